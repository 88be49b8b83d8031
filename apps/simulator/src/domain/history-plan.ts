import { addDays, instantAt, weekday } from '@ecom/analytics-read-models/calendar';
import type { CatalogPlan, SkuPlan } from './catalog-plan';
import { Prng } from './prng';
import { pickChannel, pickHour, pickSku } from './traffic';

/** Analytics calls a member sleeping when their last paid order is more than this many days old. */
export const SLEEPING_AFTER_DAYS = 90;
/**
 * Active customers last ordered at most this many days ago, sleeping ones at least SLEEPING_FROM_DAYS:
 * no last order lies near the 90-day line, so a run that crosses midnight changes nobody's state.
 */
export const ACTIVE_WITHIN_DAYS = 80;
export const SLEEPING_FROM_DAYS = 100;

/** One line of the import file (`POST /v1/imports/orders`, JSON lines), money in minor units. */
export interface ImportLine {
  sourceOrderId: string;
  customerRef: string;
  placedAt: string;
  paidAt?: string;
  channel: string;
  items: { sku: string; quantity: number; price: number }[];
  refunds?: { amount: number; at: string; reason?: string }[];
}

export interface HistoryOrder {
  line: ImportLine;
  total: number;
  daysAgo: number;
}

/** A customer of the source platform; the system knows them as importedMemberId(customerRef). */
export interface HistoryCustomer {
  customerRef: string;
  /** Planned to have last ordered SLEEPING_FROM_DAYS or more days ago. */
  sleeping: boolean;
}

export interface HistoryPlan {
  customers: HistoryCustomer[];
  /** Oldest first, as an export from another platform would list them. */
  orders: HistoryOrder[];
}

/**
 * How busy each past day was (index = days ago, 1..historyDays): weekends busier, a gentle growth
 * towards today, and a three-day mid-year sale around 45% of the way back.
 */
export function dailyDemand(today: string, historyDays: number): number[] {
  const weights = [0];
  const saleDay = Math.round(historyDays * 0.45);
  for (let ago = 1; ago <= historyDays; ago++) {
    const dow = weekday(addDays(today, -ago));
    const week = dow === 6 ? 1.35 : dow === 0 ? 1.25 : dow === 5 ? 1.15 : 1;
    const trend = 0.7 + 0.3 * (1 - ago / historyDays);
    const sale =
      historyDays >= 7 && ago === saleDay ? 4 : historyDays >= 7 && Math.abs(ago - saleDay) === 1 ? 2 : 1;
    weights.push(week * trend * sale);
  }
  return weights;
}

/** Draws a day-ago in [from, to] in proportion to the demand (prefix sums and a binary search). */
function dayPicker(demand: number[]) {
  const cumulative: number[] = [];
  demand.forEach((weight, i) => cumulative.push((cumulative[i - 1] ?? 0) + weight));
  return (prng: Prng, from: number, to: number): number => {
    const low = cumulative[from - 1];
    const target = low + prng.next() * (cumulative[to] - low);
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

const REFUND_REASONS = ['SIZE_MISMATCH', 'QUALITY', 'DAMAGED_IN_TRANSIT', 'NOT_AS_DESCRIBED', 'changed mind'];

/**
 * The order history of as many customers as shoppers over `historyDays` before today (never today:
 * the live day is today). About 30% of customers sleep (their last order SLEEPING_FROM_DAYS or more
 * days back; none when the history is shorter), the others last ordered within ACTIVE_WITHIN_DAYS.
 * A customer's last order is always paid; about 5% of the others never were; about 7% of paid orders
 * were refunded (in full or one line) a few days later, still before today. Prices are the catalog's,
 * 20% off during the sale.
 */
export function planHistory(
  prng: Prng,
  catalog: CatalogPlan,
  options: { shoppers: number; historyDays: number; prefix: string; today: string; timeZone: string },
): HistoryPlan {
  const { historyDays, today, timeZone } = options;
  if (historyDays === 0) return { customers: [], orders: [] };
  const code = options.prefix.toUpperCase();
  const demand = dailyDemand(today, historyDays);
  const pickDay = dayPicker(demand);
  const saleDay = Math.round(historyDays * 0.45);
  const skus = catalog.skus.filter((s) => s.code !== catalog.flashSku);
  const byCode = new Map<string, SkuPlan>(skus.map((s) => [s.code, s]));
  const customers: HistoryCustomer[] = [];
  const orders: HistoryOrder[] = [];

  for (let i = 0; i < options.shoppers; i++) {
    const customerRef = `${code}-C${String(i + 1).padStart(5, '0')}`;
    const sleeping = historyDays >= SLEEPING_FROM_DAYS && prng.chance(0.3);
    customers.push({ customerRef, sleeping });
    const lastAgo = sleeping
      ? prng.int(SLEEPING_FROM_DAYS, historyDays)
      : prng.int(1, Math.min(ACTIVE_WITHIN_DAYS, historyDays));
    const count = lastAgo === historyDays ? 1 : prng.geometric(sleeping ? 0.5 : 0.35, 8);
    const daysAgo = [
      lastAgo,
      ...Array.from({ length: count - 1 }, () => pickDay(prng, lastAgo + 1, historyDays)),
    ];

    daysAgo.forEach((ago, n) => {
      const day = addDays(today, -ago);
      // Placed by 22:59 and paid within 30 minutes: the payment falls on the same day.
      const placed = instantAt(day, pickHour(prng, 22) * 60 + prng.int(0, 59), timeZone);
      const paid = n === 0 || prng.chance(0.95);
      const paidAt = paid ? new Date(placed.getTime() + prng.int(1, 30) * 60_000) : undefined;
      const lineCount = prng.weighted([1, 2, 3], [0.6, 0.3, 0.1]);
      const chosen = new Set<string>();
      while (chosen.size < Math.min(lineCount, skus.length)) chosen.add(pickSku(prng, skus));
      const discount = Math.abs(ago - saleDay) <= 1 && historyDays >= 7 ? 0.8 : 1;
      const items = [...chosen].map((sku) => ({
        sku,
        quantity: prng.chance(0.85) ? 1 : 2,
        price: Math.floor(byCode.get(sku)!.price * discount),
      }));
      const total = items.reduce((sum, item) => sum + item.quantity * item.price, 0);
      const line: ImportLine = {
        sourceOrderId: '',
        customerRef,
        placedAt: placed.toISOString(),
        channel: pickChannel(prng),
        items,
      };
      if (paidAt) {
        line.paidAt = paidAt.toISOString();
        if (ago >= 3 && prng.chance(0.07)) {
          const item = prng.pick(items);
          const amount = prng.chance(0.4) ? total : item.quantity * item.price;
          const at = new Date(paidAt.getTime() + prng.int(1, Math.min(10, ago - 1)) * 86_400_000);
          line.refunds = [{ amount, at: at.toISOString(), reason: prng.pick(REFUND_REASONS) }];
        }
      }
      orders.push({ line, total, daysAgo: ago });
    });
  }
  orders.sort(
    (a, b) =>
      a.line.placedAt.localeCompare(b.line.placedAt) || a.line.customerRef.localeCompare(b.line.customerRef),
  );
  orders.forEach((order, n) => {
    order.line.sourceOrderId = `${code}-SO${String(n + 1).padStart(7, '0')}`;
  });
  return { customers, orders };
}
