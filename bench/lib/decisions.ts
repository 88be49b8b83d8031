/**
 * "Until every accepted order is decided", seen from the back office: the operator's order list
 * filtered by status, newest first. Order ids are UUIDv7 (time-ordered), so paging from the newest
 * can stop once it passes the oldest id of the batch being watched. The exact moment each order was
 * decided is then read from the status history the list returns (server time, same machine).
 */
import { Account, OrderView } from './api';
import { HttpClient } from './http';
import { sleep, Ticker } from './progress';

interface Page {
  items: OrderView[];
  nextCursor: string | null;
}

async function listPage(
  orders: HttpClient,
  operator: Account,
  status: string,
  cursor: string | null,
): Promise<Page> {
  const query = `status=${status}&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
  const answer = await orders.get<Page>(`/v1/orders?${query}`, { token: await operator.bearer() });
  if (answer.status !== 200) throw new Error(`GET /v1/orders?${query} answered ${answer.status}`);
  return answer.body;
}

/**
 * Pages through orders of `status` from the newest down to `oldest`, calling `visit` on each;
 * `visit` returns false to stop early.
 */
async function scan(
  orders: HttpClient,
  operator: Account,
  status: string,
  oldest: string,
  visit: (order: OrderView) => boolean,
): Promise<void> {
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await listPage(orders, operator, status, cursor);
    for (const order of page.items) {
      if (order.id < oldest) return;
      if (!visit(order)) return;
    }
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

export interface DecidedOrders {
  /** Watched orders still PENDING when the wait gave up (0 when all were decided). */
  pending: number;
  /** When the last watched order was decided (epoch ms, from its status history). */
  lastDecidedAt: number;
  /** When the watcher saw none pending any more (epoch ms). */
  observedAt: number;
  byStatus: Record<string, number>;
  /** The watched orders found CONFIRMED (left unpaid by intake and flash sale). */
  confirmedIds: string[];
}

export async function waitUntilDecided(
  orders: HttpClient,
  operator: Account,
  ids: ReadonlySet<string>,
  options: { label: string; timeoutMs: number },
): Promise<DecidedOrders> {
  const oldest = [...ids].reduce((min, id) => (id < min ? id : min), '\uffff');
  const deadline = Date.now() + options.timeoutMs;
  let pendingSeen = ids.size;
  const ticker = new Ticker(
    options.label,
    () => `${pendingSeen >= 100 ? '>= ' : ''}${pendingSeen} pending`,
  ).start();
  try {
    for (;;) {
      // One round: is any watched order still PENDING? Stop at the first one found.
      let pending = 0;
      await scan(orders, operator, 'PENDING', oldest, (order) => {
        if (ids.has(order.id)) pending++;
        return pending < 100;
      });
      pendingSeen = pending;
      if (pending === 0) break;
      if (Date.now() > deadline) {
        ticker.stop(`gave up after ${options.timeoutMs / 1000} s with ${pending}+ pending`);
        return { pending, lastDecidedAt: Number.NaN, observedAt: Number.NaN, byStatus: {}, confirmedIds: [] };
      }
      await sleep(100);
    }
  } finally {
    ticker.stop();
  }
  const observedAt = Date.now();
  let lastDecidedAt = 0;
  const byStatus: Record<string, number> = {};
  const found = new Set<string>();
  const confirmedIds: string[] = [];
  for (const status of ['CONFIRMED', 'REJECTED', 'PAID', 'CANCELLED']) {
    await scan(orders, operator, status, oldest, (order) => {
      if (!ids.has(order.id) || found.has(order.id)) return true;
      found.add(order.id);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (status === 'CONFIRMED') confirmedIds.push(order.id);
      const decided = order.history.find((h) => h.status === 'CONFIRMED' || h.status === 'REJECTED');
      if (decided) lastDecidedAt = Math.max(lastDecidedAt, Date.parse(decided.at));
      return found.size < ids.size;
    });
    if (found.size === ids.size) break;
  }
  if (found.size < ids.size) byStatus.unknown = ids.size - found.size;
  return { pending: 0, lastDecidedAt: lastDecidedAt || observedAt, observedAt, byStatus, confirmedIds };
}
