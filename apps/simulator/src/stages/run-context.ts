import { Account } from '../api/account';
import { OrdersGrpc } from '../api/orders-grpc';
import { RateGate, ServiceApi } from '../api/service-api';
import { Bookkeeping } from '../domain/bookkeeping';
import type { ShopPlan } from '../domain/shop-plan';
import type { SimulatorOptions } from '../options/simulator-options';

export interface Services {
  catalog: ServiceApi;
  orders: ServiceApi;
  inventory: ServiceApi;
  members: ServiceApi;
  analytics: ServiceApi;
  projector: ServiceApi;
}

/** What every stage works with: the plan, the APIs, the operator, the shoppers and the books. */
export interface RunContext {
  options: SimulatorOptions;
  /** The live day, 'YYYY-MM-DD' in the analytics time zone. */
  today: string;
  plan: ShopPlan;
  books: Bookkeeping;
  api: Services;
  grpc: OrdersGrpc;
  operator: Account;
  /** One account per planned shopper (members plan index). */
  shoppers: Account[];
  /** The tracking limit is per client address: every session of the run shares it. */
  trackingGate: RateGate;
  log(line: string): void;
}

export function createContext(
  options: SimulatorOptions,
  plan: ShopPlan,
  today: string,
  log: (line: string) => void,
): RunContext {
  const { urls } = options;
  const api: Services = {
    catalog: new ServiceApi('catalog', urls.catalog),
    orders: new ServiceApi('orders', urls.orders),
    inventory: new ServiceApi('inventory', urls.inventory),
    members: new ServiceApi('members', urls.members),
    analytics: new ServiceApi('analytics', urls.analytics),
    projector: new ServiceApi('analytics-projector', urls.projector),
  };
  const books = new Bookkeeping();
  const loggedIn = () => books.members.loggedIn++;
  return {
    options,
    today,
    plan,
    books,
    api,
    grpc: new OrdersGrpc(urls.ordersGrpc),
    operator: new Account(options.operator.email, options.operator.password, api.members),
    shoppers: plan.members.map((m) => new Account(m.email, m.password, api.members, loggedIn)),
    trackingGate: new RateGate(),
    log,
  };
}

/** Runs `task` for every item with at most `concurrency` at a time; the first failure stops the rest. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (!failed && next < items.length) {
        const index = next++;
        try {
          await task(items[index], index);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
}

/** A stage that failed: names the stage, keeps the cause. */
export class StageError extends Error {
  constructor(stage: string, cause: unknown) {
    super(`${stage}: ${(cause as Error).message ?? String(cause)}`, { cause });
    this.name = 'StageError';
  }
}
