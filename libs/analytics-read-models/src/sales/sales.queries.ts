import { RETURN_REASONS, type ReturnReasonCode } from '@ecom/contracts';
import type { SqlExecutor } from '@ecom/event-sourcing';
import { ratio } from '../funnel/funnel.domain';
import type { AnalyticsSettings } from '../settings';
import { dayRange } from '../time';

export interface ReturnReasonFigures {
  count: number;
  /** count / ordersPaid. */
  rate: number | null;
}

/** Storefront behaviour (POST /v1/track): what makes a visitor count in UV. */
export const BEHAVIOUR_STEPS = ['page_view', 'product_view', 'search'] as const;

export interface SalesFigures {
  /** Amounts paid on the day's orders (gross). */
  gmv: number;
  /** gmv minus what has been refunded on those same orders so far, whenever refunded (moves for recent days). */
  netGmv: number;
  ordersPlaced: number;
  ordersPaid: number;
  payingMembers: number;
  /** gmv / ordersPaid, rounded to minor units; null without paid orders. */
  averageOrderValue: number | null;
  /** Distinct visitors with storefront behaviour (page view, product view, search). */
  uv: number;
  /** Of the uv visitors, those who paid an order (the same day; over a range, within the range). */
  payingVisitors: number;
  /** payingVisitors / uv (at most 1); null without visitors. */
  conversion: number | null;
  refunds: RefundFigures;
  returns: ReturnFigures;
}

/** Refunds by the day they were issued. */
export interface RefundFigures {
  count: number;
  amount: number;
}

/** Return requests by the day they were made, not rejected; and the returns of the day's paid orders. */
export interface ReturnFigures {
  requested: number;
  /** requested / ordersPaid (different cohorts: a request is often about an order of an earlier day). */
  rate: number | null;
  byReason: Record<ReturnReasonCode, ReturnReasonFigures>;
  /** Orders paid that day (or in the range) with a return request not rejected, whenever requested. */
  ordersReturned: number;
  /** ordersReturned / ordersPaid: one cohort, at most 1, still rising for recent days. */
  cohortRate: number | null;
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
 * is what makes them independent of the order events arrived in; the API caches the answers until
 * the projector commits new facts.
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
    const [placed, paid, visitorDays, visitorTotals, refunds, returns] = await Promise.all([
      this.sql.query(
        `SELECT day::text AS day, count(*)::int AS n FROM an_orders_placed
          WHERE day BETWEEN $1::date AND $2::date AND currency = $3 GROUP BY GROUPING SETS ((day), ())`,
        params,
      ),
      // Net of each order's refunds in its own currency (through an_refunds_order), and whether a
      // return of it was requested and not rejected (through an_returns_order).
      this.sql.query(
        `SELECT p.day::text AS day, count(*)::int AS n, sum(p.amount)::bigint AS gmv,
                count(DISTINCT p.member_id)::int AS members,
                sum(p.amount - coalesce(f.refunded, 0))::bigint AS net_gmv, count(t.returned)::int AS returned
           FROM an_orders_paid p
           LEFT JOIN LATERAL (SELECT sum(amount) AS refunded FROM an_refunds
                               WHERE order_id = p.order_id AND currency = p.currency) f ON true
           LEFT JOIN LATERAL (SELECT true AS returned FROM an_returns WHERE order_id = p.order_id
                                 AND requested_at IS NOT NULL AND rejected_at IS NULL LIMIT 1) t ON true
          WHERE p.day BETWEEN $1::date AND $2::date AND p.currency = $3
          GROUP BY GROUPING SETS ((p.day), ())`,
        params,
      ),
      // UV per day: visitors with behaviour that day; paying: those of them with a payment that day.
      this.sql.query(
        `WITH browsed AS (SELECT DISTINCT day, visitor_id FROM an_visitor_events
                           WHERE day BETWEEN $1::date AND $2::date AND step = ANY($3::text[])),
              paid AS (SELECT DISTINCT day, visitor_id FROM an_visitor_events
                        WHERE day BETWEEN $1::date AND $2::date AND step = 'order_paid')
         SELECT b.day::text AS day, count(*)::int AS uv, count(p.visitor_id)::int AS payers
           FROM browsed b LEFT JOIN paid p USING (day, visitor_id) GROUP BY b.day`,
        [options.from, options.to, BEHAVIOUR_STEPS],
      ),
      // Over the range: distinct visitors with behaviour in it, and those of them who paid in it.
      this.sql.query(
        `WITH browsed AS (SELECT DISTINCT visitor_id FROM an_visitor_events
                           WHERE day BETWEEN $1::date AND $2::date AND step = ANY($3::text[])),
              paid AS (SELECT DISTINCT visitor_id FROM an_visitor_events
                        WHERE day BETWEEN $1::date AND $2::date AND step = 'order_paid')
         SELECT NULL AS day, count(*)::int AS uv, count(p.visitor_id)::int AS payers
           FROM browsed b LEFT JOIN paid p USING (visitor_id)`,
        [options.from, options.to, BEHAVIOUR_STEPS],
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
    const visitorsBy = index([...visitorDays, ...visitorTotals]);
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
      const ordersReturned = num(p?.returned);
      return {
        gmv,
        netGmv: num(p?.net_gmv),
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
          ) as Record<ReturnReasonCode, ReturnReasonFigures>,
          ordersReturned,
          cohortRate: ratio(ordersReturned, ordersPaid),
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
