import type { VariantComparison } from '@ecom/analytics-read-models';
import { formatDecimal, Lang, localeOf } from './format';

/**
 * How the experiments panel reads a comparison, pure: its verdict, the difference in conversion in
 * percentage points, its 95 % interval and the p-value.
 */
export type Verdict = 'significant' | 'not_significant' | 'too_small' | 'no_data';

/**
 * A sample too small says so whatever its p-value (the test is not to be trusted on it); without a
 * p-value (no visitors, or no spread) there is nothing to decide.
 */
export function verdictOf(comparison: VariantComparison): Verdict {
  if (comparison.sampleTooSmall) return 'too_small';
  if (comparison.pValue === null) return 'no_data';
  return comparison.significant ? 'significant' : 'not_significant';
}

/** A difference of two proportions (-0.0333) in percentage points, signed ("-3.3 pp"). */
export function formatPoints(difference: number | null, lang: Lang): string {
  if (difference === null || !Number.isFinite(difference)) return '—';
  const text = new Intl.NumberFormat(localeOf(lang), {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  }).format(difference * 100);
  return `${text} pp`;
}

/** The interval's bounds in percentage points: "[-108.8, +42.1] pp". */
export function formatInterval(lower: number | null, upper: number | null, lang: Lang): string {
  if (lower === null || upper === null) return '—';
  const points = (value: number) => formatPoints(value, lang).replace(' pp', '');
  return `[${points(lower)}, ${points(upper)}] pp`;
}

/** A p-value to 3 decimals, "< 0.001" below that. */
export function formatPValue(p: number | null, lang: Lang): string {
  if (p === null) return '—';
  if (p < 0.001) return `< ${formatDecimal(0.001, lang, 3)}`;
  return new Intl.NumberFormat(localeOf(lang), { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(
    p,
  );
}
