import type { SqlExecutor } from '@ecom/event-sourcing';
import { ratio } from '../funnel/funnel.domain';
import type { AnalyticsSettings } from '../settings';
import { dayRange } from '../time';

/** The reasons of a return request (ReturnRequested), each reported in `returns.byReason`. */
export const RETURN_REASONS = [
  'SIZE_MISMATCH',
  'QUALITY',
  'DAMAGED_IN_TRANSIT',
  'NOT_AS_DESCRIBED',
  'OTHER',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export interface ReturnReasonFigures {
  count: number;
  /** count / ordersPaid. */
  rate: number | null;
}

export interface SalesFigures {
  gmv: number;
  ordersPlaced: number;
  ordersPaid: number;
  payingMembers: number;
  /** gmv / ordersPaid, rounded to minor units; null without paid orders. */
  averageOrderValue: number | null;
  uv: number;
  payingVisitors: number;
  /** payingVisitors / uv; null without visitors. */
  conversion: number | null;
  refunds: RefundFigures;
  returns: ReturnFigures;
}

/** Refunds by the day they were issued. */
export interface RefundFigures {
  count: number;
  amount: number;
}

/** Return requests by the day they were made, not rejected. */
export interface ReturnFigures {
  requested: number;
  /** requested / ordersPaid. */
  rate: number | null;
  byReason: Record<ReturnReason, ReturnReasonFigures>;
}

export interface SalesView {
  from: string;
  to: string;
  granularity: 'day';
  currency: string;
  timeZone: string;
  /** Over the whole period (distinct members and visitors over the period). */
  totals: SalesFigures;
  days: SalesDayView[];
}

export interface SalesDayView extends SalesFigures {
  day: string;
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/**
 * Daily sales figures over the order, visitor, refund and return facts, derived at read time, which
 * is what makes them independent of the order events arrived in; the API caches the answers for a few seconds.
 */
export class SalesQueries {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly settings: Pick<AnalyticsSettings, 'timeZone' | 'currency'>,
  ) {}

  async sales(options: { from: string; to: string; currency?: string }): Promise<SalesView> {
    const currency = options.currency ?? this.settings.currency;
    const params = [options.from, options.to, currency];
    // GROUPING SETS ((day), ()): one row per day plus a total row (day NULL) with distincts over the period.
    const [placed, paid, visitors, refunds, returns] = await Promise.all([
      this.sql.query(
        `SELECT day::text AS day, count(*)::int AS n FROM an_orders_placed
          WHERE day BETWEEN $1::date AND $2::date AND currency = $3 GROUP BY GROUPING SETS ((day), ())`,
        params,
      ),
      this.sql.query(
        `SELECT day::text AS day, count(*)::int AS n, sum(amount)::bigint AS gmv, count(DISTINCT member_id)::int AS members
           FROM an_orders_paid WHERE day BETWEEN $1::date AND $2::date AND currency = $3
          GROUP BY GROUPING SETS ((day), ())`,
        params,
      ),
      this.sql.query(
        `SELECT day::text AS day, count(DISTINCT visitor_id)::int AS uv,
                (count(DISTINCT visitor_id) FILTER (WHERE step = 'order_paid'))::int AS payers
           FROM an_visitor_events WHERE day BETWEEN $1::date AND $2::date
          GROUP BY GROUPING SETS ((day), ())`,
        params.slice(0, 2),
      ),
      this.sql.query(
        `SELECT day::text AS day, count(*)::int AS n, sum(amount)::bigint AS amount FROM an_refunds
          WHERE day BETWEEN $1::date AND $2::date AND currency = $3 GROUP BY GROUPING SETS ((day), ())`,
        params,
      ),
      this.sql.query(
        `SELECT day::text AS day, reason, count(*)::int AS n FROM an_returns
          WHERE day BETWEEN $1::date AND $2::date AND requested_at IS NOT NULL AND rejected_at IS NULL
          GROUP BY GROUPING SETS ((day, reason), (reason))`,
        params.slice(0, 2),
      ),
    ]);
    const keyOf = (day: string | null) => day ?? '*';
    const index = (rows: Record<string, unknown>[]) =>
      new Map(rows.map((r) => [keyOf(r.day as string | null), r]));
    const placedBy = index(placed);
    const paidBy = index(paid);
    const visitorsBy = index(visitors);
    const refundsBy = index(refunds);
    const returnsBy = new Map<string, Map<string, number>>();
    for (const r of returns as { day: string | null; reason: string; n: number }[]) {
      const key = keyOf(r.day);
      const byReason = returnsBy.get(key) ?? new Map<string, number>();
      byReason.set(r.reason, r.n);
      returnsBy.set(key, byReason);
    }

    const figures = (key: string): SalesFigures => {
      const p = paidBy.get(key);
      const v = visitorsBy.get(key);
      const rf = refundsBy.get(key);
      const ordersPaid = num(p?.n);
      const gmv = num(p?.gmv);
      const uv = num(v?.uv);
      const payingVisitors = num(v?.payers);
      const byReasonCounts = returnsBy.get(key) ?? new Map<string, number>();
      const requested = [...byReasonCounts.values()].reduce((a, b) => a + b, 0);
      return {
        gmv,
        ordersPlaced: num(placedBy.get(key)?.n),
        ordersPaid,
        payingMembers: num(p?.members),
        averageOrderValue: ordersPaid ? Math.round(gmv / ordersPaid) : null,
        uv,
        payingVisitors,
        conversion: ratio(payingVisitors, uv),
        refunds: { count: num(rf?.n), amount: num(rf?.amount) },
        returns: {
          requested,
          rate: ratio(requested, ordersPaid),
          byReason: Object.fromEntries(
            RETURN_REASONS.map((reason) => [
              reason,
              {
                count: byReasonCounts.get(reason) ?? 0,
                rate: ratio(byReasonCounts.get(reason) ?? 0, ordersPaid),
              },
            ]),
            // Every reason is a key: fromEntries cannot know that the list above is all of them.
          ) as Record<ReturnReason, ReturnReasonFigures>,
        },
      };
    };

    return {
      from: options.from,
      to: options.to,
      granularity: 'day',
      currency,
      timeZone: this.settings.timeZone,
      totals: figures('*'),
      days: dayRange(options.from, options.to).map((day) => ({ day, ...figures(day) })),
    };
  }
}
