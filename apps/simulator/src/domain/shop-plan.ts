import { CatalogPlan, planCatalog } from './catalog-plan';
import { HistoryPlan, planHistory } from './history-plan';
import { InventoryPlan, planInventory } from './inventory-plan';
import { LiveDayPlan, planLiveDay } from './live-day-plan';
import { MemberPlan, planMembers } from './members-plan';
import { Prng } from './prng';

export interface PlanOptions {
  seed: number;
  shoppers: number;
  historyDays: number;
  /** Names what this run creates (SKU codes, emails, warehouse codes, customer refs). */
  prefix: string;
  /** The live day ('YYYY-MM-DD' in timeZone); the history ends the day before. */
  today: string;
  timeZone: string;
}

/** Everything a run does, decided before it talks to the system. */
export interface ShopPlan {
  catalog: CatalogPlan;
  inventory: InventoryPlan;
  members: MemberPlan[];
  history: HistoryPlan;
  liveDay: LiveDayPlan;
}

/**
 * The whole plan from the seed. Each part draws from a generator of its own (forked in a fixed
 * order), so the same seed gives the same catalog, members, history and live day, and a change in
 * how one part is drawn leaves the others as they were. Dates are relative to `today`.
 */
export function planShop(options: PlanOptions): ShopPlan {
  const root = new Prng(options.seed);
  const streams = {
    catalog: root.fork('catalog'),
    inventory: root.fork('inventory'),
    members: root.fork('members'),
    history: root.fork('history'),
    liveDay: root.fork('live-day'),
  };
  const catalog = planCatalog(streams.catalog, options);
  const inventory = planInventory(streams.inventory, catalog, options);
  return {
    catalog,
    inventory,
    members: planMembers(streams.members, options),
    history: planHistory(streams.history, catalog, options),
    liveDay: planLiveDay(streams.liveDay, catalog, { ...options, flashUnits: inventory.flashUnits }),
  };
}
