import { daysBetween } from '@ecom/analytics-read-models/calendar';
import type { ReturnReasonCode } from '@ecom/contracts/return-reasons';
import { EXPERIMENT_VARIANTS, type Variant } from './experiment';

export type OrderSource = 'history' | 'live' | 'flash';

/** A paid order as the simulator saw it: analytics must count `amount` as GMV on `day`. */
export interface PaidOrder {
  orderId: string;
  memberId: string;
  amount: number;
  day: string;
  source: OrderSource;
}

export interface RefundRecord {
  orderId: string;
  amount: number;
  day: string;
  source: OrderSource;
}

/** One variant of the live day's experiment as the simulator drove it. */
export interface VariantBooks {
  variant: Variant;
  /** Visitors with at least one tracked event (202) carrying the variant. */
  visitors: number;
  /** Those of them with an order carrying the variant that was paid (201). */
  convertedVisitors: number;
}

export const FUNNEL_STEPS = ['visit', 'product_view', 'add_to_cart', 'order_placed', 'order_paid'] as const;
export type FunnelStep = (typeof FUNNEL_STEPS)[number];

const counter = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/**
 * What the simulator did, counted as it did it (only what the system answered for: an order counts
 * as paid when the payment was answered 201). The summary is checked against it.
 */
export class Bookkeeping {
  readonly catalog = { categoriesByDepth: [0, 0, 0], products: 0, skus: 0, listedProducts: 0 };
  readonly inventory = {
    warehouses: 0,
    receipts: 0,
    unitsReceived: 0,
    policies: 0,
    lowSkus: [] as string[],
    nearExpirySkus: [] as string[],
  };
  readonly members = { registered: 0, alreadyRegistered: 0, loggedIn: 0 };
  readonly history = {
    customers: 0,
    plannedSleeping: 0,
    lines: 0,
    imported: 0,
    skipped: 0,
    rejected: 0,
    firstRejections: [] as { line: number; field?: string; reason: string }[],
  };
  readonly live = {
    sessions: 0,
    pageViews: 0,
    productViews: 0,
    searches: 0,
    carts: 0,
    cartLines: 0,
    ordersPlacedRest: 0,
    ordersPlacedGrpc: 0,
    confirmed: 0,
    rejected: 0,
    paymentsDeclined: 0,
    paid: 0,
    cancelledUnpaid: 0,
    cancelledPaid: 0,
    shipped: 0,
    delivered: 0,
    receiptsConfirmed: 0,
    returnsRequested: 0,
    returnsByReason: {} as Partial<Record<ReturnReasonCode, number>>,
    returnsRefunded: 0,
    returnsRejected: 0,
  };
  readonly flash = {
    sku: '',
    unitsReceived: 0,
    waves: 0,
    orders: 0,
    ordersGrpc: 0,
    confirmedOrders: 0,
    confirmedUnits: 0,
    /** Units of confirmed orders cancelled after all their payments were declined. */
    releasedUnits: 0,
    rejectedOrders: 0,
    paidOrders: 0,
    paidUnits: 0,
    paymentsDeclined: 0,
  };
  readonly paid: PaidOrder[] = [];
  readonly refunds: RefundRecord[] = [];
  /** Live-day visitors by the furthest funnel step they reached in order. */
  private readonly reached = new Map<string, number>();
  /** The experiment's exposed visitors with their variant, and those with a paid order. */
  private readonly exposed = new Map<string, Variant>();
  private readonly converted = new Set<string>();

  recordPaid(order: PaidOrder): void {
    this.paid.push(order);
  }

  recordRefund(refund: RefundRecord): void {
    this.refunds.push(refund);
  }

  /**
   * A visitor reached a funnel step. Like the analytics funnel, a step counts only right after the
   * one before it (a session never skips, but the bookkeeping keeps the same rule).
   */
  reach(visitorId: string, step: FunnelStep): void {
    const index = FUNNEL_STEPS.indexOf(step);
    const before = this.reached.get(visitorId) ?? -1;
    if (index === before + 1) this.reached.set(visitorId, index);
  }

  /** A tracking batch carrying the visitor's variant was accepted: the visitor is exposed. */
  expose(visitorId: string, variant: Variant): void {
    if (!this.exposed.has(visitorId)) this.exposed.set(visitorId, variant);
  }

  /**
   * An order the visitor placed with its variant was paid. Like analytics, it converts only an
   * exposed visitor, and only when the order carried the variant the visitor was exposed to.
   */
  convert(visitorId: string, variant: Variant): void {
    if (this.exposed.get(visitorId) === variant) this.converted.add(visitorId);
  }

  /** Per variant (every one, in code-point order): visitors exposed and converted. */
  experiment(): VariantBooks[] {
    const books = EXPERIMENT_VARIANTS.map((variant) => ({ variant, visitors: 0, convertedVisitors: 0 }));
    const of = new Map(books.map((b) => [b.variant, b]));
    for (const [visitorId, variant] of this.exposed) {
      of.get(variant)!.visitors++;
      if (this.converted.has(visitorId)) of.get(variant)!.convertedVisitors++;
    }
    return books;
  }

  /** Visitors (one day: visitor-days) that reached each step. */
  funnel(): Record<FunnelStep, number> {
    const counts = counter(FUNNEL_STEPS);
    for (const furthest of this.reached.values())
      for (let i = 0; i <= furthest; i++) counts[FUNNEL_STEPS[i]]++;
    return counts;
  }
}

export interface DaySales {
  day: string;
  ordersPaid: number;
  gmv: number;
  refunds: number;
  refundAmount: number;
}

/** Paid orders and refunds per day, days in order. */
export function salesByDay(paid: readonly PaidOrder[], refunds: readonly RefundRecord[]): DaySales[] {
  const days = new Map<string, DaySales>();
  const of = (day: string) => {
    let sales = days.get(day);
    if (!sales) days.set(day, (sales = { day, ordersPaid: 0, gmv: 0, refunds: 0, refundAmount: 0 }));
    return sales;
  };
  for (const order of paid) {
    of(order.day).ordersPaid++;
    of(order.day).gmv += order.amount;
  }
  for (const refund of refunds) {
    of(refund.day).refunds++;
    of(refund.day).refundAmount += refund.amount;
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** Each member's last paid day. */
export function lastPaidDays(paid: readonly PaidOrder[]): Map<string, string> {
  const last = new Map<string, string>();
  for (const order of paid) {
    const known = last.get(order.memberId);
    if (!known || order.day > known) last.set(order.memberId, order.day);
  }
  return last;
}

/** Members whose last paid order is more than `afterDays` days before `asOfDay`, sorted. */
export function sleepingMembers(paid: readonly PaidOrder[], asOfDay: string, afterDays: number): string[] {
  return [...lastPaidDays(paid)]
    .filter(([, day]) => daysBetween(day, asOfDay) > afterDays)
    .map(([memberId]) => memberId)
    .sort();
}
