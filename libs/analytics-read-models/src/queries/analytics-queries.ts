import type { SqlExecutor } from '@ecom/event-sourcing';
import { FUNNEL_STEPS, funnelSteps, FunnelStepView, ratio } from '../funnel/funnel.domain';
import { classifyMatrix, MatrixThresholds, Quadrant } from '../matrix/matrix.domain';
import { RFM_SEGMENTS, RfmSegmentCode } from '../rfm/rfm.domain';
import { rawRfm } from '../rfm/rfm-recompute';
import type { AnalyticsSettings } from '../settings';
import { dayOf, dayRange } from '../time';

export interface RfmMemberView {
  memberId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  /** Scores and segment of the last recomputation; null for a member paid since then and not yet scored. */
  r: number | null;
  f: number | null;
  m: number | null;
  segment: string | null;
  segmentCode: string | null;
  sleeping: boolean;
  lastPaidAt: string;
  currency: string;
  /** The instant the values are as of. */
  asOf: string;
}

export interface RfmSegmentsView {
  asOf: string | null;
  members: number;
  sleeping: number;
  segments: { segment: string; code: RfmSegmentCode; rule: string; members: number; share: number | null }[];
}

export interface FunnelView {
  from: string;
  to: string;
  channel: string | null;
  /** Visitor-days: a visitor counts once per day they went through the steps. */
  steps: FunnelStepView[];
  days: { day: string; steps: FunnelStepView[] }[];
  /** The same funnel per first-touch channel (null: visitors whose events that day carried no channel). */
  channels: { channel: string | null; steps: FunnelStepView[] }[];
}

export interface StockWarningView {
  sku: string;
  warehouse: string | null;
  type: string;
  available: number;
  safetyStock: number;
  daysOfCover: number | null;
  suggestedReorderQty: number | null;
  since: string;
  details: Record<string, unknown>;
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
  refunds: { count: number; amount: number };
  returns: {
    requested: number;
    /** requested / ordersPaid. */
    rate: number | null;
    byReason: Record<string, { count: number; rate: number | null }>;
  };
}

export interface SalesView {
  from: string;
  to: string;
  granularity: 'day';
  currency: string;
  timeZone: string;
  /** Over the whole period (distinct members and visitors over the period). */
  totals: SalesFigures;
  days: ({ day: string } & SalesFigures)[];
}

export interface MatrixItemView {
  sku: string;
  productId: string | null;
  title: string | null;
  unitsSold: number;
  revenue: number;
  unitCost: number | null;
  grossMargin: number | null;
  /** grossMargin / revenue; null without revenue or cost. */
  marginRate: number | null;
  quadrant: Quadrant | null;
}

export interface MatrixView {
  from: string;
  to: string;
  currency: string;
  thresholds: MatrixThresholds;
  items: MatrixItemView[];
}

const RETURN_REASONS = [
  'SIZE_MISMATCH',
  'QUALITY',
  'DAMAGED_IN_TRANSIT',
  'NOT_AS_DESCRIBED',
  'OTHER',
] as const;

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/**
 * Every analytics read, as SQL over the read models. Aggregates (funnel, sales, matrix) are derived
 * from the facts at read time, which is what makes them independent of the order events arrived in;
 * the API caches the answers for a few seconds.
 */
export class AnalyticsQueries {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly settings: Pick<AnalyticsSettings, 'timeZone' | 'currency' | 'rfm'>,
  ) {}

  // ---------------------------------------------------------------- RFM

  private async lastRun(): Promise<{ as_of: Date; as_of_day: string } | undefined> {
    const rows = await this.sql.query(
      `SELECT as_of, as_of_day::text AS as_of_day FROM an_rfm_runs ORDER BY id DESC LIMIT 1`,
    );
    return rows[0];
  }

  async rfmSegments(): Promise<RfmSegmentsView> {
    const run = await this.lastRun();
    const rows: { segment_code: string; members: number; sleeping: number }[] = await this.sql.query(
      `SELECT segment_code, count(*)::int AS members, (count(*) FILTER (WHERE sleeping))::int AS sleeping
         FROM an_rfm_scores GROUP BY segment_code`,
    );
    const total = rows.reduce((sum, r) => sum + r.members, 0);
    const bySegment = new Map(rows.map((r) => [r.segment_code, r.members]));
    return {
      asOf: run ? run.as_of.toISOString() : null,
      members: total,
      sleeping: rows.reduce((sum, r) => sum + r.sleeping, 0),
      segments: RFM_SEGMENTS.map((s) => ({
        segment: s.name,
        code: s.code,
        rule: s.rule,
        members: bySegment.get(s.code) ?? 0,
        share: ratio(bySegment.get(s.code) ?? 0, total),
      })),
    };
  }

  private rfmRow(row: Record<string, unknown>, asOf: Date): RfmMemberView {
    return {
      memberId: row.member_id as string,
      recencyDays: row.recency_days as number,
      frequency: row.frequency as number,
      monetary: Number(row.monetary),
      r: row.r as number,
      f: row.f as number,
      m: row.m as number,
      segment: row.segment as string,
      segmentCode: row.segment_code as string,
      sleeping: row.sleeping as boolean,
      lastPaidAt: (row.last_paid_at as Date).toISOString(),
      currency: this.settings.currency,
      asOf: asOf.toISOString(),
    };
  }

  /** Members of the last recomputation, best monetary first; optionally one segment and/or sleeping only. */
  async rfmMembers(options: {
    segment?: RfmSegmentCode;
    sleeping?: boolean;
    limit: number;
    offset?: number;
  }) {
    const run = await this.lastRun();
    if (!run) return { asOf: null, total: 0, items: [] as RfmMemberView[] };
    const where = `($1::text IS NULL OR segment_code = $1) AND ($2::boolean IS NULL OR sleeping = $2)`;
    const params = [options.segment ?? null, options.sleeping ?? null];
    const [{ total }] = await this.sql.query(
      `SELECT count(*)::int AS total FROM an_rfm_scores WHERE ${where}`,
      params,
    );
    const rows = await this.sql.query(
      `SELECT * FROM an_rfm_scores WHERE ${where} ORDER BY monetary DESC, member_id LIMIT $3 OFFSET $4`,
      [...params, options.limit, options.offset ?? 0],
    );
    return {
      asOf: run.as_of.toISOString(),
      total: total as number,
      items: rows.map((r: Record<string, unknown>) => this.rfmRow(r, run.as_of)),
    };
  }

  /**
   * One member's RFM: the scored row of the last recomputation, or, for a member whose first paid
   * order came after it, the raw values as of now without scores. Undefined for a member with no paid order.
   */
  async rfmMember(memberId: string, now: Date): Promise<RfmMemberView | undefined> {
    const run = await this.lastRun();
    if (run) {
      const rows = await this.sql.query(`SELECT * FROM an_rfm_scores WHERE member_id = $1`, [memberId]);
      if (rows.length) return this.rfmRow(rows[0], run.as_of);
    }
    const [raw] = await rawRfm(
      this.sql,
      dayOf(now, this.settings.timeZone),
      { windowDays: this.settings.rfm.windowDays, currency: this.settings.currency },
      memberId,
    );
    if (!raw) return undefined;
    return {
      memberId,
      recencyDays: raw.recencyDays,
      frequency: raw.frequency,
      monetary: raw.monetary,
      r: null,
      f: null,
      m: null,
      segment: null,
      segmentCode: null,
      sleeping: raw.recencyDays > this.settings.rfm.sleepingDays,
      lastPaidAt: raw.lastPaidAt.toISOString(),
      currency: this.settings.currency,
      asOf: now.toISOString(),
    };
  }

  // ---------------------------------------------------------------- funnel

  async funnel(options: { from: string; to: string; channel?: string }): Promise<FunnelView> {
    const stepOf = (i: number) => FUNNEL_STEPS[i].step;
    // s1..s5: per day and visitor, the time the visitor reached each step in order (NULL: not reached).
    const rows: {
      day: string;
      channel: string | null;
      s1: number;
      s2: number;
      s3: number;
      s4: number;
      s5: number;
    }[] = await this.sql.query(
      `WITH ev AS (
           SELECT day, visitor_id, step, occurred_at FROM an_visitor_events
            WHERE day BETWEEN $1::date AND $2::date AND step = ANY($3::text[])
         ), touch AS (
           SELECT DISTINCT ON (day, visitor_id) day, visitor_id, channel FROM an_visitor_events
            WHERE day BETWEEN $1::date AND $2::date AND channel IS NOT NULL
            ORDER BY day, visitor_id, occurred_at, event_id
         ), s1 AS (
           SELECT day, visitor_id, min(occurred_at) AS t FROM ev WHERE step = $4 GROUP BY day, visitor_id
         ), s2 AS (
           SELECT s.day, s.visitor_id, min(e.occurred_at) AS t FROM s1 s
             JOIN ev e ON e.day = s.day AND e.visitor_id = s.visitor_id AND e.step = $5 AND e.occurred_at >= s.t
            GROUP BY s.day, s.visitor_id
         ), s3 AS (
           SELECT s.day, s.visitor_id, min(e.occurred_at) AS t FROM s2 s
             JOIN ev e ON e.day = s.day AND e.visitor_id = s.visitor_id AND e.step = $6 AND e.occurred_at >= s.t
            GROUP BY s.day, s.visitor_id
         ), s4 AS (
           SELECT s.day, s.visitor_id, min(e.occurred_at) AS t FROM s3 s
             JOIN ev e ON e.day = s.day AND e.visitor_id = s.visitor_id AND e.step = $7 AND e.occurred_at >= s.t
            GROUP BY s.day, s.visitor_id
         ), s5 AS (
           SELECT s.day, s.visitor_id, min(e.occurred_at) AS t FROM s4 s
             JOIN ev e ON e.day = s.day AND e.visitor_id = s.visitor_id AND e.step = $8 AND e.occurred_at >= s.t
            GROUP BY s.day, s.visitor_id
         )
         SELECT s1.day::text AS day, touch.channel,
                count(*)::int AS s1, count(s2.t)::int AS s2, count(s3.t)::int AS s3,
                count(s4.t)::int AS s4, count(s5.t)::int AS s5
           FROM s1
           LEFT JOIN s2 USING (day, visitor_id)
           LEFT JOIN s3 USING (day, visitor_id)
           LEFT JOIN s4 USING (day, visitor_id)
           LEFT JOIN s5 USING (day, visitor_id)
           LEFT JOIN touch USING (day, visitor_id)
          GROUP BY s1.day, touch.channel`,
      [
        options.from,
        options.to,
        FUNNEL_STEPS.map((s) => s.step),
        stepOf(0),
        stepOf(1),
        stepOf(2),
        stepOf(3),
        stepOf(4),
      ],
    );
    const counts = (r: (typeof rows)[number]) => [r.s1, r.s2, r.s3, r.s4, r.s5];
    const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i]);
    const zero = () => [0, 0, 0, 0, 0];
    const selected = rows.filter((r) => options.channel === undefined || r.channel === options.channel);

    const total = selected.reduce((acc, r) => add(acc, counts(r)), zero());
    const perDay = new Map<string, number[]>();
    for (const r of selected) perDay.set(r.day, add(perDay.get(r.day) ?? zero(), counts(r)));
    const perChannel = new Map<string | null, number[]>();
    for (const r of selected) perChannel.set(r.channel, add(perChannel.get(r.channel) ?? zero(), counts(r)));

    return {
      from: options.from,
      to: options.to,
      channel: options.channel ?? null,
      steps: funnelSteps(total),
      days: dayRange(options.from, options.to).map((day) => ({
        day,
        steps: funnelSteps(perDay.get(day) ?? zero()),
      })),
      channels: [...perChannel.entries()]
        .sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff'))
        .map(([channel, c]) => ({ channel, steps: funnelSteps(c) })),
    };
  }

  // ---------------------------------------------------------------- stock warnings

  async stockWarnings(
    options: { type?: string; sku?: string; warehouse?: string } = {},
  ): Promise<StockWarningView[]> {
    const rows = await this.sql.query(
      `SELECT * FROM an_stock_warnings
        WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR sku = $2) AND ($3::text IS NULL OR warehouse = $3)
        ORDER BY type, sku, warehouse_key`,
      [options.type ?? null, options.sku ?? null, options.warehouse ?? null],
    );
    return rows.map((r: Record<string, unknown>) => ({
      sku: r.sku as string,
      warehouse: r.warehouse as string | null,
      type: r.type as string,
      available: r.available as number,
      safetyStock: r.safety_stock as number,
      daysOfCover: r.days_of_cover === null ? null : Number(r.days_of_cover),
      suggestedReorderQty: r.suggested_reorder_qty as number | null,
      since: (r.since as Date).toISOString(),
      details: r.details as Record<string, unknown>,
    }));
  }

  // ---------------------------------------------------------------- sales

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
          ),
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

  // ---------------------------------------------------------------- product matrix

  /**
   * Net units sold and gross margin per SKU over orders paid in the period (in `currency`): units and
   * revenue of the paid order lines, minus orders refunded on cancellation, minus the lines of returns
   * that were refunded; cost = net units x the SKU's current unit cost in the catalog.
   */
  async productMatrix(options: { from: string; to: string; currency?: string }): Promise<MatrixView> {
    const currency = options.currency ?? this.settings.currency;
    const rows: Record<string, unknown>[] = await this.sql.query(
      `WITH paid AS (
         SELECT p.order_id FROM an_orders_paid p
          WHERE p.day BETWEEN $1::date AND $2::date AND p.currency = $3
            AND NOT EXISTS (SELECT 1 FROM an_refunds r WHERE r.order_id = p.order_id AND r.cause = 'CANCELLATION')
       ), sold AS (
         SELECT l.sku, sum(l.quantity)::bigint AS units, sum(l.line_total)::bigint AS revenue
           FROM an_order_lines l JOIN paid USING (order_id) GROUP BY l.sku
       ), refunded_returns AS (
         SELECT DISTINCT r.order_id, r.return_id FROM an_refunds r JOIN paid USING (order_id)
          WHERE r.cause = 'RETURN' AND r.return_id IS NOT NULL
       ), returned AS (
         SELECT rl.sku, sum(rl.quantity)::bigint AS units, sum(rl.quantity * price.unit_price)::bigint AS revenue
           FROM refunded_returns rr
           JOIN an_return_lines rl ON rl.return_id = rr.return_id
           JOIN LATERAL (SELECT ol.unit_price FROM an_order_lines ol
                          WHERE ol.order_id = rr.order_id AND ol.sku = rl.sku ORDER BY ol.line_no LIMIT 1) price ON true
          GROUP BY rl.sku
       ), skus AS (
         SELECT sku FROM an_skus WHERE NOT discontinued UNION SELECT sku FROM sold
       )
       SELECT k.sku, s.product_id, p.title, s.cost,
              (coalesce(sold.units, 0) - coalesce(returned.units, 0))::bigint AS units,
              (coalesce(sold.revenue, 0) - coalesce(returned.revenue, 0))::bigint AS revenue
         FROM skus k
         LEFT JOIN an_skus s ON s.sku = k.sku
         LEFT JOIN an_products p ON p.product_id = s.product_id
         LEFT JOIN sold ON sold.sku = k.sku
         LEFT JOIN returned ON returned.sku = k.sku
        ORDER BY k.sku`,
      [options.from, options.to, currency],
    );
    const items = rows.map((r) => {
      const units = Number(r.units);
      const revenue = Number(r.revenue);
      const unitCost = r.cost === null || r.cost === undefined ? null : Number(r.cost);
      const grossMargin = unitCost === null ? null : revenue - units * unitCost;
      return {
        sku: r.sku as string,
        productId: (r.product_id as string | null) ?? null,
        title: (r.title as string | null) ?? null,
        unitsSold: units,
        revenue,
        unitCost,
        grossMargin,
        marginRate: grossMargin === null ? null : ratio(grossMargin, revenue),
      };
    });
    const classified = classifyMatrix(items);
    return {
      from: options.from,
      to: options.to,
      currency,
      thresholds: classified.thresholds,
      items: classified.items,
    };
  }
}
