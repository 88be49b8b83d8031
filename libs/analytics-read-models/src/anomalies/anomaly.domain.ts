import { median } from '../matrix/matrix.domain';

/**
 * Hourly anomaly alerts, pure: what an hour's figures say about a metric, the expected value from the
 * same hour of the previous weeks, the verdict (drop, spike, normal, or no verdict) and the raise/clear
 * decision against the alert already open. No I/O: the projector loads the figures and applies the
 * decisions (docs/analytics.md, "Anomaly alerts").
 */

/** The metrics compared hour by hour with the same hour of the previous weeks. */
export const HOURLY_ANOMALY_METRICS = ['GMV', 'CONVERSION', 'PAYMENT_SUCCESS'] as const;
export type HourlyAnomalyMetric = (typeof HOURLY_ANOMALY_METRICS)[number];

export const ANOMALY_DIRECTIONS = ['DROP', 'SPIKE'] as const;
export type AnomalyDirection = (typeof ANOMALY_DIRECTIONS)[number];

/** The facts of one hour (of ANALYTICS_TZ's wall clock) that the hourly metrics are computed from. */
export interface HourFigures {
  /** Amounts paid in the hour, in the analytics currency (OrderPaid). */
  gmv: number;
  /** Orders paid in the hour, in the analytics currency. */
  paidOrders: number;
  /** Distinct visitors with storefront behaviour (page view, product view, search) in the hour. */
  visitors: number;
  /** Of those visitors, the ones who paid an order in the same hour. */
  payingVisitors: number;
  /** OrderPaid events in the hour (any currency): successful payment attempts. */
  paymentsSucceeded: number;
  /** PaymentFailed events in the hour: declined payment attempts. */
  paymentsFailed: number;
}

export const EMPTY_HOUR: HourFigures = {
  gmv: 0,
  paidOrders: 0,
  visitors: 0,
  payingVisitors: 0,
  paymentsSucceeded: 0,
  paymentsFailed: 0,
};

/** A metric's value in an hour (null when undefined: a ratio over nothing) and the volume behind it. */
export interface MetricReading {
  value: number | null;
  /** What the value is computed over (paid orders, visitors, payment attempts): quiet hours do not alert. */
  volume: number;
}

export function readMetric(metric: HourlyAnomalyMetric, f: HourFigures): MetricReading {
  switch (metric) {
    case 'GMV':
      return { value: f.gmv, volume: f.paidOrders };
    case 'CONVERSION':
      return { value: f.visitors > 0 ? f.payingVisitors / f.visitors : null, volume: f.visitors };
    case 'PAYMENT_SUCCESS': {
      const attempts = f.paymentsSucceeded + f.paymentsFailed;
      return { value: attempts > 0 ? f.paymentsSucceeded / attempts : null, volume: attempts };
    }
  }
}

export interface AnomalyParams {
  /** Previous weeks whose same hour makes the expected value (ANOMALY_WEEKS, default 4). */
  weeks: number;
  /** Relative deviation beyond which an hour is a drop or a spike, in percent (ANOMALY_THRESHOLD_PCT, default 40). */
  thresholdPct: number;
  /** Expected volume (median over the weeks) an hour needs for a verdict (ANOMALY_MIN_VOLUME, default 20). */
  minVolume: number;
}

/** The anomaly rules' settings (ANOMALY_* variables): the parameters, and when the projector evaluates. */
export interface AnomalySettings extends AnomalyParams, RefundRateParams {
  /** How often the projector evaluates the completed hours, days and windows; 0 turns the schedule off. */
  intervalMs: number;
  /** An hour (day, 10-minute window) is evaluated once this long has passed since it ended (late facts still count). */
  graceMs: number;
  /** PaymentFailed events in one 10-minute window above which a burst is raised (ANOMALY_BURST_FAILURES, default 20). */
  burstFailures: number;
}

export const DEFAULT_ANOMALY_PARAMS: AnomalyParams = { weeks: 4, thresholdPct: 40, minVolume: 20 };

export type Verdict =
  | { kind: 'NONE'; reason: 'QUIET' | 'NO_VALUE' | 'NO_BASELINE' }
  | { kind: 'NORMAL' | AnomalyDirection; expected: number; actual: number; deviation: number };

/**
 * Compares an hour with the same hour of the previous weeks. The expected value is the median of the
 * weeks' values, not the mean: one past week that was itself unusual (an outage, a promotion) does not
 * move it. An hour gets no verdict (it neither raises nor clears) when the weeks' median volume is below
 * the minimum (quiet hours), when its own value is undefined (no visitors, no payment attempts), or when
 * the expected value is 0 (no relative deviation exists).
 */
export function judge(
  current: MetricReading,
  history: readonly MetricReading[],
  params: AnomalyParams,
): Verdict {
  const expectedVolume = median(history.map((h) => h.volume)) ?? 0;
  if (expectedVolume < params.minVolume || expectedVolume === 0) return { kind: 'NONE', reason: 'QUIET' };
  if (current.value === null) return { kind: 'NONE', reason: 'NO_VALUE' };
  const expected = median(history.flatMap((h) => (h.value === null ? [] : [h.value])));
  if (expected === null || expected === 0) return { kind: 'NONE', reason: 'NO_BASELINE' };
  const actual = current.value;
  const deviation = (actual - expected) / expected;
  const threshold = params.thresholdPct / 100;
  const kind = deviation < -threshold ? 'DROP' : deviation > threshold ? 'SPIKE' : 'NORMAL';
  return { kind, expected, actual, deviation };
}

/** What to do with a metric's alert after an hour's verdict. */
export interface Decision {
  /** Clear the open alert (the hour is back within the threshold, or deviates the other way). */
  clear: boolean;
  /** Raise a new alert in this direction. */
  raise: AnomalyDirection | null;
}

/**
 * Raise on a drop or spike when no alert is open; clear when an hour is back within the threshold;
 * a deviation the other way clears the open alert and raises one in the new direction; the same
 * direction again keeps the alert open (one alert per episode); no verdict changes nothing.
 */
export function decide(open: { direction: AnomalyDirection } | null, verdict: Verdict): Decision {
  if (verdict.kind === 'NONE') return { clear: false, raise: null };
  if (verdict.kind === 'NORMAL') return { clear: open !== null, raise: null };
  if (open === null) return { clear: false, raise: verdict.kind };
  if (open.direction === verdict.kind) return { clear: false, raise: null };
  return { clear: true, raise: verdict.kind };
}

/** An hour of ANALYTICS_TZ's wall clock, 'YYYY-MM-DDTHH'. */
export type HourKey = string;

const HOUR_KEY = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/;

function hourKeyFromUtcMs(ms: number): HourKey {
  return new Date(ms).toISOString().slice(0, 13);
}

function utcMsOfHourKey(hour: HourKey): number {
  const m = HOUR_KEY.exec(hour);
  if (!m) throw new Error(`not an hour key: ${hour}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]));
}

/** The wall-clock hour `n` hours later (calendar arithmetic on the wall clock, not on instants). */
export function addHours(hour: HourKey, n: number): HourKey {
  return hourKeyFromUtcMs(utcMsOfHourKey(hour) + n * 3_600_000);
}

/** The same wall-clock hour `n` weeks earlier. */
export function weeksBefore(hour: HourKey, n: number): HourKey {
  return addHours(hour, -n * 7 * 24);
}

/** Wall-clock hours from `from` (inclusive) to `to` (exclusive). */
export function hourRange(from: HourKey, to: HourKey): HourKey[] {
  const hours: HourKey[] = [];
  for (let h = from; h < to; h = addHours(h, 1)) hours.push(h);
  return hours;
}

/** An hourly alert open before an evaluation (the read model's open rows). */
export interface OpenHourlyAlert {
  id: string;
  metric: HourlyAnomalyMetric;
  direction: AnomalyDirection;
}

/** One change an evaluation makes: an alert raised or cleared at an hour, with that hour's figures. */
export type HourlyChange =
  | {
      kind: 'RAISE';
      id: string;
      metric: HourlyAnomalyMetric;
      direction: AnomalyDirection;
      hour: HourKey;
      expected: number;
      actual: number;
      deviation: number;
    }
  | {
      kind: 'CLEAR';
      id: string;
      metric: HourlyAnomalyMetric;
      hour: HourKey;
      expected: number;
      actual: number;
      deviation: number;
    };

/** The alert id of an hourly alert: its metric and the hour that raised it (unique, and the same after a rebuild). */
export function hourlyAlertId(metric: HourlyAnomalyMetric, hour: HourKey): string {
  return `HOURLY:${metric}:${hour}`;
}

/**
 * Evaluates consecutive hours in order, each against the same hour of the previous `weeks` weeks
 * (hours missing from `figures` had no facts), starting from the open alerts: the raises and clears,
 * in order. Deterministic in the figures, so a rebuild evaluating the same hours decides the same.
 */
export function evaluateHours(
  hours: readonly HourKey[],
  figures: ReadonlyMap<HourKey, HourFigures>,
  open: readonly OpenHourlyAlert[],
  params: AnomalyParams,
): HourlyChange[] {
  const openBy = new Map<HourlyAnomalyMetric, OpenHourlyAlert>(open.map((a) => [a.metric, a]));
  const changes: HourlyChange[] = [];
  const at = (hour: HourKey) => figures.get(hour) ?? EMPTY_HOUR;
  for (const hour of hours) {
    for (const metric of HOURLY_ANOMALY_METRICS) {
      const history = Array.from({ length: params.weeks }, (_, i) =>
        readMetric(metric, at(weeksBefore(hour, i + 1))),
      );
      const verdict = judge(readMetric(metric, at(hour)), history, params);
      const current = openBy.get(metric) ?? null;
      const decision = decide(current, verdict);
      if (verdict.kind === 'NONE') continue;
      const { expected, actual, deviation } = verdict;
      if (decision.clear && current) {
        changes.push({ kind: 'CLEAR', id: current.id, metric, hour, expected, actual, deviation });
        openBy.delete(metric);
      }
      if (decision.raise) {
        const id = hourlyAlertId(metric, hour);
        changes.push({
          kind: 'RAISE',
          id,
          metric,
          direction: decision.raise,
          hour,
          expected,
          actual,
          deviation,
        });
        openBy.set(metric, { id, metric, direction: decision.raise });
      }
    }
  }
  return changes;
}

/**
 * A rule against a fixed limit (refund rate, payment-failure burst): above it is a SPIKE, at or below
 * it normal; no verdict without enough volume or without a value. The limit is the alert's expected
 * value, so deviation = (actual - limit) / limit (the limit is at least 1, or 1 %).
 */
export function thresholdVerdict(actual: number | null, limit: number, enoughVolume: boolean): Verdict {
  if (!enoughVolume) return { kind: 'NONE', reason: 'QUIET' };
  if (actual === null) return { kind: 'NONE', reason: 'NO_VALUE' };
  return {
    kind: actual > limit ? 'SPIKE' : 'NORMAL',
    expected: limit,
    actual,
    deviation: (actual - limit) / limit,
  };
}

/** A raise or clear of the limit rules, at the window (10-minute window start, or day) that decided it. */
export interface LimitChange {
  kind: 'RAISE' | 'CLEAR';
  id: string;
  sku: string | null;
  /** A 10-minute window's start (ISO instant) or a day ('YYYY-MM-DD'). */
  at: string;
  expected: number;
  actual: number;
  deviation: number;
}

/** An alert of a limit rule open before an evaluation. */
export interface OpenLimitAlert {
  id: string;
  sku: string | null;
}

/** The length of a payment-failure burst window. */
export const BURST_WINDOW_MS = 10 * 60_000;

/** The start of the 10-minute window (aligned on the epoch: hh:00, hh:10, ... in UTC) holding an instant. */
export function burstWindowOf(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / BURST_WINDOW_MS) * BURST_WINDOW_MS);
}

/**
 * Payment-failure bursts: each 10-minute window from `from` (inclusive) to `to` (exclusive), in order,
 * with its PaymentFailed count (`counts` by window start, ISO; absent = 0): more than `limit` raises,
 * a later window at or below it clears.
 */
export function evaluateBursts(
  from: Date,
  to: Date,
  counts: ReadonlyMap<string, number>,
  open: OpenLimitAlert | null,
  limit: number,
): LimitChange[] {
  const changes: LimitChange[] = [];
  let current = open;
  for (let t = from.getTime(); t < to.getTime(); t += BURST_WINDOW_MS) {
    const at = new Date(t).toISOString();
    const verdict = thresholdVerdict(counts.get(at) ?? 0, limit, true);
    const decision = decide(current ? { direction: 'SPIKE' } : null, verdict);
    if (verdict.kind === 'NONE') continue;
    const { expected, actual, deviation } = verdict;
    if (decision.clear && current) {
      changes.push({ kind: 'CLEAR', id: current.id, sku: null, at, expected, actual, deviation });
      current = null;
    }
    if (decision.raise) {
      const id = `PAYMENT_FAILURE_BURST:PAYMENT_FAILURES:${at}`;
      changes.push({ kind: 'RAISE', id, sku: null, at, expected, actual, deviation });
      current = { id, sku: null };
    }
  }
  return changes;
}

export interface RefundRateParams {
  /** Refunded / paid units of a SKU above this percentage raises (ANOMALY_REFUND_RATE_PCT, default 20). */
  refundRatePct: number;
  /** Paid units a SKU needs in the window for a verdict (ANOMALY_REFUND_MIN_UNITS, default 20). */
  refundMinUnits: number;
}

/** Days of orders paid that a SKU's refund rate is computed over, ending with the day evaluated. */
export const REFUND_RATE_DAYS = 30;

/** A SKU's units of the orders paid in the window, and how many of them were refunded by the window's end. */
export interface SkuRefundUnits {
  sku: string;
  paidUnits: number;
  refundedUnits: number;
}

/**
 * The refund-rate alerts of one day: each SKU with paid units in its window, and each SKU with an open
 * alert (absent from `units`: no paid units, so no verdict), against the limit.
 */
export function evaluateRefundRates(
  day: string,
  units: readonly SkuRefundUnits[],
  open: readonly OpenLimitAlert[],
  params: RefundRateParams,
): LimitChange[] {
  const openBy = new Map(open.map((a) => [a.sku, a]));
  const changes: LimitChange[] = [];
  for (const u of [...units].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))) {
    const rate = u.paidUnits > 0 ? Math.min(u.refundedUnits, u.paidUnits) / u.paidUnits : null;
    const verdict = thresholdVerdict(rate, params.refundRatePct / 100, u.paidUnits >= params.refundMinUnits);
    const current = openBy.get(u.sku) ?? null;
    const decision = decide(current ? { direction: 'SPIKE' } : null, verdict);
    if (verdict.kind === 'NONE') continue;
    const { expected, actual, deviation } = verdict;
    if (decision.clear && current) {
      changes.push({ kind: 'CLEAR', id: current.id, sku: u.sku, at: day, expected, actual, deviation });
    }
    if (decision.raise) {
      const id = `REFUND_RATE:REFUND_RATE:${u.sku}:${day}`;
      changes.push({ kind: 'RAISE', id, sku: u.sku, at: day, expected, actual, deviation });
    }
  }
  return changes;
}
