import { ratio } from '../funnel/funnel.domain';

/**
 * A/B test readouts: per-variant figures and the comparison of each variant with the control, from
 * counts only (pure: no I/O). Conversion is converted visitors / visitors; the difference is tested
 * with a two-proportion z-test (pooled standard error, the null hypothesis being equal conversion)
 * and bounded by a 95% Wald interval (unpooled standard error, as the interval does not assume the
 * null). Definitions: docs/analytics.md, "A/B test readouts".
 */

/** The sample rule: below these, the normal approximation behind the test and interval is not trusted. */
export const MIN_VISITORS_PER_VARIANT = 100;
export const MIN_OUTCOMES_PER_VARIANT = 5;
export const SIGNIFICANCE_LEVEL = 0.05;
/** z with P(|Z| <= z) = 0.95 for a standard normal Z. */
export const Z_95 = 1.959963984540054;

/**
 * The complementary error function, erfc(x) = 1 - erf(x), by the Chebyshev fit of Numerical Recipes
 * (erfcc): fractional error below 1.2e-7 everywhere, so tail probabilities keep their digits.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z <= x) for a standard normal Z. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** P(|Z| >= |z|): the two-sided p-value of a z statistic (erfc directly, not 1 - cdf, to keep small p exact). */
export function twoSidedPValue(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

export interface ProportionTest {
  /** p2 - p1. */
  difference: number;
  /** The pooled proportion (x1 + x2) / (n1 + n2). */
  pooled: number;
  /** sqrt(pooled (1 - pooled) (1/n1 + 1/n2)); null when it is 0 (no conversions, or all converted). */
  standardError: number | null;
  z: number | null;
  pValue: number | null;
}

/** Two-proportion z-test of x2/n2 against x1/n1 (pooled standard error). Both n must be positive. */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ProportionTest {
  if (n1 <= 0 || n2 <= 0) throw new RangeError('both samples need at least one visitor');
  const difference = x2 / n2 - x1 / n1;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { difference, pooled, standardError: null, z: null, pValue: null };
  const z = difference / se;
  return { difference, pooled, standardError: se, z, pValue: twoSidedPValue(z) };
}

export interface ConfidenceInterval {
  level: number;
  lower: number;
  upper: number;
}

/** The Wald interval of p2 - p1: difference +- z95 x sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2). */
export function differenceInterval(x1: number, n1: number, x2: number, n2: number): ConfidenceInterval {
  if (n1 <= 0 || n2 <= 0) throw new RangeError('both samples need at least one visitor');
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const half = Z_95 * Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  return { level: 0.95, lower: p2 - p1 - half, upper: p2 - p1 + half };
}

/** The raw counts of one variant over the range. */
export interface VariantCounts {
  variant: string;
  visitors: number;
  /** Visitors of the variant with at least one paid order carrying the same variant. */
  convertedVisitors: number;
  paidOrders: number;
  /** Paid amount of those orders, in minor units. */
  revenue: number;
}

export interface VariantReadout extends VariantCounts {
  /** convertedVisitors / visitors (4 decimals); null without visitors. */
  conversion: number | null;
  /** revenue / paidOrders (minor units, rounded); null without paid orders. */
  averageOrderValue: number | null;
  /** revenue / visitors (minor units, 2 decimals); null without visitors. */
  revenuePerVisitor: number | null;
}

export interface VariantComparison {
  variant: string;
  control: string;
  /** conversion(variant) - conversion(control), unrounded; null when either has no visitors. */
  absoluteDifference: number | null;
  /** absoluteDifference / conversion(control); null when that is 0 or unknown. */
  relativeDifference: number | null;
  /** The confidence level of the interval: 0.95. */
  confidenceLevel: number;
  /** Bounds of the Wald interval of absoluteDifference; null when either variant has no visitors. */
  confidenceLower: number | null;
  confidenceUpper: number | null;
  z: number | null;
  pValue: number | null;
  /** pValue < 0.05 and the sample is large enough. */
  significant: boolean;
  sampleTooSmall: boolean;
  /** Why the sample is too small, one entry per variant and rule broken; empty when it is not. */
  sampleTooSmallReasons: string[];
}

/** Why a variant's sample is too small for the normal approximation (empty when it is large enough). */
export function sampleRuleBreaches(counts: VariantCounts): string[] {
  const reasons: string[] = [];
  const { variant, visitors, convertedVisitors } = counts;
  if (visitors < MIN_VISITORS_PER_VARIANT)
    reasons.push(`${variant}: ${visitors} visitors, fewer than ${MIN_VISITORS_PER_VARIANT}`);
  if (convertedVisitors < MIN_OUTCOMES_PER_VARIANT)
    reasons.push(`${variant}: ${convertedVisitors} conversions, fewer than ${MIN_OUTCOMES_PER_VARIANT}`);
  if (visitors - convertedVisitors < MIN_OUTCOMES_PER_VARIANT)
    reasons.push(
      `${variant}: ${visitors - convertedVisitors} non-conversions, fewer than ${MIN_OUTCOMES_PER_VARIANT}`,
    );
  return reasons;
}

export function variantReadout(counts: VariantCounts): VariantReadout {
  const { visitors, convertedVisitors, paidOrders, revenue } = counts;
  return {
    ...counts,
    conversion: ratio(convertedVisitors, visitors),
    averageOrderValue: paidOrders === 0 ? null : Math.round(revenue / paidOrders),
    revenuePerVisitor: visitors === 0 ? null : Math.round((revenue / visitors) * 100) / 100,
  };
}

/** One variant against the control. */
export function compareVariants(control: VariantCounts, variant: VariantCounts): VariantComparison {
  const reasons = [...sampleRuleBreaches(control), ...sampleRuleBreaches(variant)];
  const base = {
    variant: variant.variant,
    control: control.variant,
    sampleTooSmall: reasons.length > 0,
    sampleTooSmallReasons: reasons,
    confidenceLevel: 0.95,
  };
  if (control.visitors === 0 || variant.visitors === 0) {
    return {
      ...base,
      absoluteDifference: null,
      relativeDifference: null,
      confidenceLower: null,
      confidenceUpper: null,
      z: null,
      pValue: null,
      significant: false,
    };
  }
  const test = twoProportionZTest(
    control.convertedVisitors,
    control.visitors,
    variant.convertedVisitors,
    variant.visitors,
  );
  const controlRate = control.convertedVisitors / control.visitors;
  const interval = differenceInterval(
    control.convertedVisitors,
    control.visitors,
    variant.convertedVisitors,
    variant.visitors,
  );
  return {
    ...base,
    absoluteDifference: test.difference,
    relativeDifference: controlRate === 0 ? null : test.difference / controlRate,
    confidenceLower: interval.lower,
    confidenceUpper: interval.upper,
    z: test.z,
    pValue: test.pValue,
    significant: test.pValue !== null && test.pValue < SIGNIFICANCE_LEVEL && reasons.length === 0,
  };
}

/**
 * The control: the one asked for, else the variant named "control", else the first variant in
 * code-point order. Undefined when there is no variant, or the one asked for is not among them.
 */
export function chooseControl(variants: readonly string[], requested?: string): string | undefined {
  if (requested !== undefined) return variants.includes(requested) ? requested : undefined;
  if (variants.includes('control')) return 'control';
  return [...variants].sort(codePointOrder)[0];
}

export function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ExperimentReadout {
  control: string;
  variants: VariantReadout[];
  comparisons: VariantComparison[];
}

/** Every variant's figures (in code-point order) and each non-control variant against the control. */
export function experimentReadout(counts: readonly VariantCounts[], control: string): ExperimentReadout {
  const sorted = [...counts].sort((a, b) => codePointOrder(a.variant, b.variant));
  const base = sorted.find((c) => c.variant === control);
  if (!base) throw new RangeError(`control ${control} is not a variant`);
  return {
    control,
    variants: sorted.map(variantReadout),
    comparisons: sorted.filter((c) => c.variant !== control).map((c) => compareVariants(base, c)),
  };
}
