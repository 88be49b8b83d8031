import { daysBetween } from '../calendar';
import { ratio } from '../funnel/funnel.domain';

/**
 * Lifecycle stages, repurchase per category and monthly cohort retention (docs/analytics.md,
 * "Lifecycle, repurchase and cohorts"), pure: the definitions the SQL of lifecycle.queries.ts answers,
 * over a list of paid orders. Every figure counts **net paid orders**: orders paid (imported ones at
 * their own payment day) and not refunded in full by the refunds known (whenever issued), the same
 * notion as RFM frequency. Days and months are calendar days and months in ANALYTICS_TZ.
 */

export const LIFECYCLE_STAGES = [
  { stage: 'new', rule: 'one net paid order, at most LIFECYCLE_NEW_DAYS days before the as-of day' },
  {
    stage: 'active',
    rule: 'not new; last net paid order at most LIFECYCLE_ACTIVE_DAYS days before the as-of day',
  },
  {
    stage: 'at_risk',
    rule: 'last net paid order more than LIFECYCLE_ACTIVE_DAYS and at most RFM_SLEEPING_DAYS days before',
  },
  {
    stage: 'sleeping',
    rule: 'last net paid order more than RFM_SLEEPING_DAYS and at most LIFECYCLE_LOST_DAYS days before',
  },
  { stage: 'lost', rule: 'last net paid order more than LIFECYCLE_LOST_DAYS days before the as-of day' },
] as const;

export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number]['stage'];
export const LIFECYCLE_STAGE_CODES: LifecycleStage[] = LIFECYCLE_STAGES.map((s) => s.stage);

/** Day thresholds of the stages, each at least the one before (checked when the settings are read). */
export interface LifecycleThresholds {
  newDays: number;
  activeDays: number;
  /** The RFM sleeping threshold: beyond it a member is sleeping in RFM and here alike. */
  sleepingDays: number;
  lostDays: number;
}

/** One paid order as the fact tables hold it, with what was refunded on it and its lines' categories. */
export interface LifecycleOrderFact {
  orderId: string;
  memberId: string;
  /** Day of payment (ANALYTICS_TZ). */
  day: string;
  /** Instant of payment (ISO-8601): orders a member's orders within a day. */
  paidAt: string;
  amount: number;
  /** Sum of the refunds issued on the order so far (0 when none). */
  refunded: number;
  /** Categories of its lines' products (lines whose product has no known category are left out). */
  categories: readonly string[];
}

/** Not refunded in full: what every figure here counts. */
export function isNetPaidOrder(order: LifecycleOrderFact): boolean {
  return order.refunded < order.amount;
}

/**
 * The stage of a member with `orders` net paid orders, the last on `lastPaidDay`, as of `asOfDay`.
 * Boundaries are inclusive ("at most N days before"): with the defaults, a last order 60 days
 * before is active, 61 at risk; 90 at risk, 91 sleeping (as RFM's sleeping flag); 180 sleeping, 181 lost.
 */
export function lifecycleStageOf(
  orders: number,
  lastPaidDay: string,
  asOfDay: string,
  t: LifecycleThresholds,
): LifecycleStage {
  const recency = daysBetween(lastPaidDay, asOfDay);
  if (orders === 1 && recency <= t.newDays) return 'new';
  if (recency <= t.activeDays) return 'active';
  if (recency <= t.sleepingDays) return 'at_risk';
  if (recency <= t.lostDays) return 'sleeping';
  return 'lost';
}

export interface MemberLifecycle {
  memberId: string;
  stage: LifecycleStage;
  /** Net paid orders on or before the as-of day. */
  orders: number;
  firstPaidDay: string;
  lastPaidDay: string;
  /** Calendar days from the last net paid order to the as-of day. */
  recencyDays: number;
}

/** Each member with a net paid order on or before the as-of day, with its stage, by member id. */
export function memberLifecycles(
  orders: readonly LifecycleOrderFact[],
  asOfDay: string,
  t: LifecycleThresholds,
): MemberLifecycle[] {
  const byMember = new Map<string, { orders: number; first: string; last: string }>();
  for (const order of orders) {
    if (!isNetPaidOrder(order) || order.day > asOfDay) continue;
    const m = byMember.get(order.memberId);
    if (!m) byMember.set(order.memberId, { orders: 1, first: order.day, last: order.day });
    else {
      m.orders++;
      if (order.day < m.first) m.first = order.day;
      if (order.day > m.last) m.last = order.day;
    }
  }
  return [...byMember]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([memberId, m]) => ({
      memberId,
      stage: lifecycleStageOf(m.orders, m.last, asOfDay, t),
      orders: m.orders,
      firstPaidDay: m.first,
      lastPaidDay: m.last,
      recencyDays: daysBetween(m.last, asOfDay),
    }));
}

export interface LifecycleStageCount {
  stage: LifecycleStage;
  rule: string;
  members: number;
  /** members / all members with a stage; null when there is none. */
  share: number | null;
}

/** Members per stage, every stage in LIFECYCLE_STAGES order. */
export function lifecycleStageCounts(counts: ReadonlyMap<LifecycleStage, number>): LifecycleStageCount[] {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return LIFECYCLE_STAGES.map(({ stage, rule }) => ({
    stage,
    rule,
    members: counts.get(stage) ?? 0,
    share: ratio(counts.get(stage) ?? 0, total),
  }));
}

/** The median of numbers (the mean of the two middle ones for an even count); null for none. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface CategoryRepurchase {
  categoryId: string;
  /** Members with a net paid order containing the category, paid in the range. */
  buyers: number;
  /** Of those, members with two or more such orders in the range (they paid again in it later). */
  repurchasers: number;
  /** repurchasers / buyers. */
  repurchaseRate: number | null;
  /** Pairs of consecutive such orders of one member (orders - 1 per member, summed). */
  intervals: number;
  /** Median over those pairs of the calendar days between them (0 = same day); null without a pair. */
  medianDaysBetween: number | null;
}

/** Repurchase per category over orders paid from `from` to `to` (days, both included), by category id. */
export function repurchaseByCategory(
  orders: readonly LifecycleOrderFact[],
  from: string,
  to: string,
): CategoryRepurchase[] {
  // category -> member -> that member's orders containing it
  const byCategory = new Map<string, Map<string, LifecycleOrderFact[]>>();
  for (const order of orders) {
    if (!isNetPaidOrder(order) || order.day < from || order.day > to) continue;
    for (const categoryId of new Set(order.categories)) {
      let members = byCategory.get(categoryId);
      if (!members) byCategory.set(categoryId, (members = new Map()));
      const list = members.get(order.memberId) ?? [];
      list.push(order);
      members.set(order.memberId, list);
    }
  }
  return [...byCategory]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([categoryId, members]) => {
      const gaps: number[] = [];
      let repurchasers = 0;
      for (const list of members.values()) {
        if (list.length > 1) repurchasers++;
        const sorted = [...list].sort(
          (a, b) => Date.parse(a.paidAt) - Date.parse(b.paidAt) || (a.orderId < b.orderId ? -1 : 1),
        );
        for (let i = 1; i < sorted.length; i++) gaps.push(daysBetween(sorted[i - 1].day, sorted[i].day));
      }
      return {
        categoryId,
        buyers: members.size,
        repurchasers,
        repurchaseRate: ratio(repurchasers, members.size),
        intervals: gaps.length,
        medianDaysBetween: medianOf(gaps),
      };
    });
}

const MONTH = /^(\d{4})-(\d{2})$/;

/** Whether the text is a month 'YYYY-MM' (01..12). */
export function isCalendarMonth(value: string): boolean {
  const match = MONTH.exec(value);
  return !!match && Number(match[2]) >= 1 && Number(match[2]) <= 12;
}

/** The month 'YYYY-MM' `n` months after (or before) a month. */
export function addCalendarMonths(month: string, n: number): string {
  const [year, m] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((((index % 12) + 12) % 12) + 1).padStart(2, '0')}`;
}

/** Whole months from `from` to `to` ('YYYY-MM'; positive when `to` is later). */
export function calendarMonthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return (ty - fy) * 12 + (tm - fm);
}

export interface CohortMonthRetention {
  /** Months after the cohort's month (1 = the month after). */
  k: number;
  month: string;
  /** RetentionCohort members with a net paid order in that month. */
  members: number;
  /** members / the cohort's size. */
  share: number | null;
  /** false for the as-of month, still running: its share can only grow. */
  complete: boolean;
}

export interface RetentionCohort {
  /** The month of the members' first net paid order ('YYYY-MM', ANALYTICS_TZ). */
  month: string;
  members: number;
  /** k = 1 .. the months up to the as-of month, at most `horizon`. */
  retention: CohortMonthRetention[];
}

/**
 * Monthly cohorts from `from` to `to` (months, both included; every month listed, empty ones too):
 * members by the month of their first net paid order on or before the as-of day, and for each
 * following month up to the as-of month (at most `horizon` months) the share who paid again in it.
 */
export function cohortRetention(
  orders: readonly LifecycleOrderFact[],
  from: string,
  to: string,
  asOfDay: string,
  horizon: number,
): RetentionCohort[] {
  const months = new Map<string, Set<string>>();
  for (const order of orders) {
    if (!isNetPaidOrder(order) || order.day > asOfDay) continue;
    const set = months.get(order.memberId) ?? new Set<string>();
    set.add(order.day.slice(0, 7));
    months.set(order.memberId, set);
  }
  const counts: RetentionCohortCount[] = [];
  for (const set of months.values()) {
    const cohort = [...set].sort()[0];
    for (const month of set) counts.push({ cohort, month, members: 1 });
  }
  return assembleCohorts(counts, from, to, asOfDay, horizon);
}

/** Members of a cohort who paid in a month (month = cohort: the cohort's size). */
export interface RetentionCohortCount {
  cohort: string;
  month: string;
  members: number;
}

/** The cohorts from `from` to `to` out of counts per cohort and month (summed when repeated). */
export function assembleCohorts(
  counts: readonly RetentionCohortCount[],
  from: string,
  to: string,
  asOfDay: string,
  horizon: number,
): RetentionCohort[] {
  const byKey = new Map<string, number>();
  for (const c of counts)
    byKey.set(`${c.cohort}/${c.month}`, (byKey.get(`${c.cohort}/${c.month}`) ?? 0) + c.members);
  const asOfMonth = asOfDay.slice(0, 7);
  const cohorts: RetentionCohort[] = [];
  for (let month = from; month <= to; month = addCalendarMonths(month, 1)) {
    const size = byKey.get(`${month}/${month}`) ?? 0;
    const last = Math.min(horizon, calendarMonthsBetween(month, asOfMonth));
    const retention: CohortMonthRetention[] = [];
    for (let k = 1; k <= last; k++) {
      const later = addCalendarMonths(month, k);
      const paid = byKey.get(`${month}/${later}`) ?? 0;
      retention.push({
        k,
        month: later,
        members: paid,
        share: ratio(paid, size),
        complete: later < asOfMonth,
      });
    }
    cohorts.push({ month, members: size, retention });
  }
  return cohorts;
}
