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
export interface AnomalySettings extends AnomalyParams {
  /** How often the projector evaluates the completed hours; 0 turns the schedule off. */
  intervalMs: number;
  /** An hour is evaluated once this long has passed since it ended (late facts still count). */
  graceMs: number;
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
