import type { SqlExecutor } from '@ecom/event-sourcing';
import { ratio } from '../funnel/funnel.domain';
import {
  addCalendarMonths,
  assembleCohorts,
  CategoryRepurchase,
  RetentionCohort,
  RetentionCohortCount,
  LifecycleStage,
  LifecycleStageCount,
  LifecycleThresholds,
  MemberLifecycle,
  lifecycleStageCounts,
} from './lifecycle.domain';

export interface LifecycleView {
  /** The day the stages are as of (ANALYTICS_TZ). */
  asOfDay: string;
  thresholds: LifecycleThresholds;
  /** Members with a net paid order on or before the as-of day (each in one stage). */
  members: number;
  stages: LifecycleStageCount[];
}

export interface LifecycleMemberPage {
  asOfDay: string;
  /** The stage asked for; null for every stage. */
  stage: LifecycleStage | null;
  /** Members matching, over all pages. */
  total: number;
  limit: number;
  offset: number;
  /** Most recent last order first, then member id. */
  items: MemberLifecycle[];
}

export interface RepurchaseView {
  from: string;
  to: string;
  /** Every category with a buyer in the range, by category id. */
  categories: CategoryRepurchase[];
}

export interface CohortsView {
  from: string;
  to: string;
  asOfDay: string;
  /** The most months after each cohort's month that are reported. */
  horizon: number;
  cohorts: RetentionCohort[];
}

/**
 * Paid orders not refunded in full ("net paid"), paid on days $from..$to (SQL expressions), with
 * the refunds of each order summed whenever they were issued: the same notion as RFM frequency
 * (rfm-recompute.ts). Refunds are few beside orders, so all of them are summed once and hash-joined.
 */
function netPaidOrders(from: string, to: string): string {
  return `(SELECT o.order_id, o.member_id, o.day, o.paid_at
             FROM an_orders_paid o
             LEFT JOIN (SELECT order_id, sum(amount) AS refunded FROM an_refunds GROUP BY order_id) r USING (order_id)
            WHERE o.day BETWEEN ${from} AND ${to} AND (r.refunded IS NULL OR r.refunded < o.amount))`;
}

/** Each member's net paid orders up to the as-of day ($1) and stage (thresholds $2..$5). */
const STAGED = `
  WITH per AS (
    SELECT member_id, count(*)::int AS orders, min(day) AS first_day, max(day) AS last_day
      FROM ${netPaidOrders(`'-infinity'::date`, '$1::date')} n
     GROUP BY member_id),
  staged AS (
    SELECT member_id, orders, first_day, last_day, ($1::date - last_day) AS recency,
           CASE WHEN orders = 1 AND $1::date - last_day <= $2 THEN 'new'
                WHEN $1::date - last_day <= $3 THEN 'active'
                WHEN $1::date - last_day <= $4 THEN 'at_risk'
                WHEN $1::date - last_day <= $5 THEN 'sleeping'
                ELSE 'lost' END AS stage
      FROM per)`;

/**
 * Lifecycle stages, repurchase per category and cohort retention (lifecycle.domain.ts defines them),
 * answered from the projected order facts (an_orders_paid, an_refunds, an_order_lines, an_skus,
 * an_products): read models the projector builds from events, so these answers are as rebuildable
 * and as indifferent to redelivery as the facts.
 */
export class LifecycleQueries {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly thresholds: LifecycleThresholds,
  ) {}

  private stagedParams(asOfDay: string): unknown[] {
    const t = this.thresholds;
    return [asOfDay, t.newDays, t.activeDays, t.sleepingDays, t.lostDays];
  }

  async stages(asOfDay: string): Promise<LifecycleView> {
    const rows: { stage: LifecycleStage; members: number }[] = await this.sql.query(
      `${STAGED} SELECT stage, count(*)::int AS members FROM staged GROUP BY stage`,
      this.stagedParams(asOfDay),
    );
    const counts = new Map(rows.map((r) => [r.stage, r.members]));
    return {
      asOfDay,
      thresholds: { ...this.thresholds },
      members: rows.reduce((sum, r) => sum + r.members, 0),
      stages: lifecycleStageCounts(counts),
    };
  }

  async members(options: {
    asOfDay: string;
    stage?: LifecycleStage;
    limit: number;
    offset?: number;
  }): Promise<LifecycleMemberPage> {
    const offset = options.offset ?? 0;
    const rows: Record<string, unknown>[] = await this.sql.query(
      `${STAGED}
       SELECT member_id, stage, orders, first_day::text AS first_day, last_day::text AS last_day,
              recency::int AS recency, count(*) OVER ()::int AS total
         FROM staged WHERE $6::text IS NULL OR stage = $6
        ORDER BY last_day DESC, member_id LIMIT $7 OFFSET $8`,
      [...this.stagedParams(options.asOfDay), options.stage ?? null, options.limit, offset],
    );
    let total = rows.length ? (rows[0].total as number) : 0;
    if (rows.length === 0 && offset > 0) {
      // Past the last page: the window count came back with no row to carry it.
      const [row] = await this.sql.query(
        `${STAGED} SELECT count(*)::int AS total FROM staged WHERE $6::text IS NULL OR stage = $6`,
        [...this.stagedParams(options.asOfDay), options.stage ?? null],
      );
      total = row.total as number;
    }
    return {
      asOfDay: options.asOfDay,
      stage: options.stage ?? null,
      total,
      limit: options.limit,
      offset,
      items: rows.map((r) => ({
        memberId: r.member_id as string,
        stage: r.stage as LifecycleStage,
        orders: r.orders as number,
        firstPaidDay: r.first_day as string,
        lastPaidDay: r.last_day as string,
        recencyDays: r.recency as number,
      })),
    };
  }

  /** Repurchase per category over orders paid from `from` to `to` (days, both included). */
  async repurchase(range: { from: string; to: string }): Promise<RepurchaseView> {
    const rows: Record<string, unknown>[] = await this.sql.query(
      // One sort serves both steps: the (order, category) pairs are grouped in the window's order, byte
      // order ("C") for the ids (cheaper than the database's collation, the same groups); a member's
      // first row in a category makes a buyer, the second a repurchaser.
      `WITH oc AS (
         SELECT p.category_id COLLATE "C" AS category_id, n.member_id COLLATE "C" AS member_id, n.paid_at,
                n.order_id COLLATE "C" AS order_id, n.day
           FROM ${netPaidOrders('$1::date', '$2::date')} n
           JOIN an_order_lines l USING (order_id)
           JOIN an_skus s ON s.sku = l.sku
           JOIN an_products p ON p.product_id = s.product_id
          WHERE p.category_id IS NOT NULL
          GROUP BY 1, 2, 3, 4, 5),
       gaps AS (
         SELECT category_id, day - lag(day) OVER w AS gap, row_number() OVER w AS nth
           FROM oc WINDOW w AS (PARTITION BY category_id, member_id ORDER BY paid_at, order_id))
       SELECT category_id, (count(*) FILTER (WHERE nth = 1))::int AS buyers,
              (count(*) FILTER (WHERE nth = 2))::int AS repurchasers, count(gap)::int AS intervals,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median
         FROM gaps GROUP BY category_id ORDER BY category_id`,
      [range.from, range.to],
    );
    return {
      ...range,
      categories: rows.map((r) => {
        const buyers = r.buyers as number;
        const repurchasers = r.repurchasers as number;
        return {
          categoryId: r.category_id as string,
          buyers,
          repurchasers,
          repurchaseRate: ratio(repurchasers, buyers),
          intervals: r.intervals as number,
          medianDaysBetween: r.median === null ? null : Number(r.median),
        };
      }),
    };
  }

  /**
   * Cohorts of the months `from`..`to` ('YYYY-MM'), each followed for up to `horizon` months, as of
   * a day: only orders paid on or before it count.
   */
  async cohorts(options: {
    from: string;
    to: string;
    asOfDay: string;
    horizon: number;
  }): Promise<CohortsView> {
    const rows: RetentionCohortCount[] = await this.sql.query(
      `WITH months AS (
         -- Byte order ("C") for the member ids: a cheaper sort than the database's collation, same groups.
         SELECT DISTINCT member_id COLLATE "C" AS member_id, date_trunc('month', day)::date AS month
           FROM ${netPaidOrders(`'-infinity'::date`, '$1::date')} n),
       -- One pass over the members' months: each row carries its member's first month (the cohort).
       firsts AS (SELECT member_id, month, min(month) OVER (PARTITION BY member_id) AS cohort FROM months)
       SELECT to_char(cohort, 'YYYY-MM') AS cohort, to_char(month, 'YYYY-MM') AS month, count(*)::int AS members
         FROM firsts
        WHERE cohort BETWEEN $2::date AND $3::date AND month <= cohort + make_interval(months => $4)
        GROUP BY cohort, month`,
      [options.asOfDay, `${options.from}-01`, `${options.to}-01`, options.horizon],
    );
    return {
      from: options.from,
      to: options.to,
      asOfDay: options.asOfDay,
      horizon: options.horizon,
      cohorts: assembleCohorts(rows, options.from, options.to, options.asOfDay, options.horizon),
    };
  }
}

/** The default cohorts: the 12 months ending with the as-of month. */
export function defaultCohortMonths(asOfDay: string): { from: string; to: string } {
  const to = asOfDay.slice(0, 7);
  return { from: addCalendarMonths(to, -11), to };
}
