import { sleepingMembers, salesByDay } from './domain/bookkeeping';
import { dayOf } from '@ecom/analytics-read-models/calendar';
import { SLEEPING_AFTER_DAYS } from './domain/history-plan';
import { planShop } from './domain/shop-plan';
import { AnalyticsSummary, Check, checkSummary } from './domain/summary-checks';
import type { SimulatorOptions } from './options/simulator-options';
import { renderSummary } from './report/render-summary';
import { seedCatalog } from './stages/catalog.stage';
import { fulfilOrders } from './stages/fulfilment.stage';
import { importHistory } from './stages/history.stage';
import { seedInventory } from './stages/inventory.stage';
import { runLiveDay } from './stages/live-day.stage';
import { registerMembers } from './stages/members.stage';
import { createContext, RunContext, StageError } from './stages/run-context';
import { readSummary } from './stages/summary.stage';

/** Everything `--out` writes: the run, its plan in figures, the bookkeeping, what analytics said, the checks. */
export interface SimulationReport {
  run: {
    seed: number;
    shoppers: number;
    historyDays: number;
    prefix: string;
    timeZone: string;
    today: string;
    seconds: number;
  };
  plan: Record<string, number | string>;
  bookkeeping: ReturnType<typeof bookkeepingOf>;
  analytics: AnalyticsSummary;
  checks: Check[];
  /** Requests the services refused for a while (429/503, gRPC RESOURCE_EXHAUSTED) and the run sent again. */
  throttled: Record<string, number>;
}

async function stage(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    throw new StageError(name, error);
  }
}

/**
 * Runs the six stages against the services named in the options and answers the report and its text
 * summary. Progress goes to `log` (and the progress bars to stderr).
 */
export async function simulate(
  options: SimulatorOptions,
  log: (line: string) => void,
): Promise<{ report: SimulationReport; text: string }> {
  const started = Date.now();
  const today = dayOf(started, options.timeZone);
  const plan = planShop({ ...options, today });
  const ctx = createContext(options, plan, today, log);
  log(
    `simulating ${options.shoppers} shoppers, ${options.historyDays} days of history, seed ${options.seed}, ` +
      `prefix ${options.prefix}; the live day is ${today} (${options.timeZone})`,
  );
  try {
    await stage('operator login', async () => void (await ctx.operator.bearer()));
    await stage('catalog', () => seedCatalog(ctx));
    await stage('inventory', () => seedInventory(ctx));
    await stage('members', () => registerMembers(ctx));
    await stage('history', () => importHistory(ctx));
    let fulfilment: Awaited<ReturnType<typeof runLiveDay>> = [];
    await stage('live day', async () => void (fulfilment = await runLiveDay(ctx)));
    await stage('fulfilment', () => fulfilOrders(ctx, fulfilment));
    let summary: AnalyticsSummary | undefined;
    await stage('summary', async () => void (summary = await readSummary(ctx)));
    const checks = checkSummary(ctx.books, summary!, SLEEPING_AFTER_DAYS);
    const report: SimulationReport = {
      run: {
        seed: options.seed,
        shoppers: options.shoppers,
        historyDays: options.historyDays,
        prefix: options.prefix,
        timeZone: options.timeZone,
        today,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      },
      plan: {
        categories: plan.catalog.categories.length,
        products: plan.catalog.products.length,
        skus: plan.catalog.skus.length,
        flashSku: plan.catalog.flashSku,
        flashUnits: plan.inventory.flashUnits,
        warehouses: plan.inventory.warehouses.length,
        receipts: plan.inventory.receipts.length,
        members: plan.members.length,
        historyCustomers: plan.history.customers.length,
        historyOrders: plan.history.orders.length,
        sessions: plan.liveDay.sessions.length,
        flashWaves: plan.liveDay.flashSale.waves.length,
      },
      bookkeeping: bookkeepingOf(ctx, summary!.asOfDay),
      analytics: summary!,
      checks,
      throttled: {
        ...Object.fromEntries(Object.values(ctx.api).map((api) => [api.name, api.stats.throttled])),
        'orders-grpc': ctx.grpc.stats.throttled,
      },
    };
    return { report, text: renderSummary(ctx.books, summary!, checks, options.timeZone) };
  } finally {
    ctx.grpc.close();
  }
}

function bookkeepingOf(ctx: RunContext, asOfDay: string) {
  const { books } = ctx;
  return {
    catalog: books.catalog,
    inventory: books.inventory,
    members: books.members,
    history: books.history,
    live: books.live,
    flash: books.flash,
    funnel: books.funnel(),
    /** The live day's A/B test per variant: visitors exposed and converted. */
    experiment: books.experiment(),
    salesByDay: salesByDay(books.paid, books.refunds),
    /** Members whose last paid order is more than 90 days before the RFM as-of day. */
    sleepingMembers: sleepingMembers(books.paid, asOfDay, SLEEPING_AFTER_DAYS),
    paidOrders: books.paid,
    refunds: books.refunds,
  };
}
