import type { AnomalyAlertView } from '@ecom/analytics-read-models';
import type { AnomalyMetric } from '@ecom/contracts';
import { formatChange, formatCount, formatInstant, formatMoney, formatPercent, Lang } from './format';

/**
 * How the anomaly alerts panel writes an alert's figures, pure: each metric in its own unit (GMV in
 * minor units of the analytics currency, conversion, payment success and refund rate as ratios,
 * payment failures as a count), and the order of the table.
 */

/** A figure of an alert (expected or actual) in its metric's unit. */
export function formatReading(metric: AnomalyMetric, value: number, currency: string, lang: Lang): string {
  switch (metric) {
    case 'GMV':
      return formatMoney(Math.round(value), currency, lang);
    case 'PAYMENT_FAILURES':
      return formatCount(value, lang);
    default:
      return formatPercent(value, lang);
  }
}

/** The deviation (actual - expected) / expected, signed ("-50.0%", "+120.0%"). */
export function formatDeviation(deviation: number, lang: Lang): string {
  return formatChange(deviation, lang);
}

/** The newest raising window first (as the API answers), then by id: a stable order for the table. */
export function sortAlerts(alerts: readonly AnomalyAlertView[]): AnomalyAlertView[] {
  return [...alerts].sort(
    (a, b) =>
      (a.window.from < b.window.from ? 1 : a.window.from > b.window.from ? -1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Ids in `next` that were not in `previous`: the alerts raised since the last refresh. */
export function newAlertIds(
  previous: readonly AnomalyAlertView[] | undefined,
  next: readonly AnomalyAlertView[],
): Set<string> {
  if (!previous) return new Set();
  const known = new Set(previous.map((a) => a.id));
  return new Set(next.filter((a) => !known.has(a.id)).map((a) => a.id));
}

/** A window in the analytics time zone: "2026-03-10 09:00 – 10:00", the end's day written when it differs. */
export function formatWindow(window: { from: string; to: string }, timeZone: string): string {
  const from = formatInstant(window.from, timeZone);
  const to = formatInstant(window.to, timeZone);
  return from.slice(0, 10) === to.slice(0, 10) ? `${from} – ${to.slice(11)}` : `${from} – ${to}`;
}
