import type { SalesFigures } from '@ecom/analytics-read-models';

/**
 * Which factor moved GMV between two periods, pure. GMV = UV x conversion x AOV holds exactly only
 * when every paying visitor paid one order: the fourth factor, orders per paying visitor (which also
 * takes orders without a tracked visit, such as imported history), closes the identity
 *   GMV = UV x (paying visitors / UV) x (paid orders / paying visitors) x (GMV / paid orders).
 * Each factor's share of the GMV change is its log-mean Divisia contribution
 *   L(GMV1, GMV0) x ln(x1 / x0),  L(a, b) = (a - b) / (ln a - ln b),
 * which add up to GMV1 - GMV0 exactly, whatever the order the factors are taken in.
 */

export const GMV_FACTORS = ['uv', 'conversion', 'ordersPerBuyer', 'aov'] as const;
export type GmvFactor = (typeof GMV_FACTORS)[number];

type Totals = Pick<SalesFigures, 'gmv' | 'uv' | 'payingVisitors' | 'ordersPaid'>;

export interface FactorChange {
  factor: GmvFactor;
  previous: number | null;
  current: number | null;
  /** current / previous - 1; null when the previous value is 0 or unknown. */
  change: number | null;
  /** The factor's part of the GMV change, in minor units; null when the change cannot be split. */
  contribution: number | null;
}

export interface GmvDecomposition {
  previousGmv: number;
  currentGmv: number;
  /** currentGmv / previousGmv - 1; null when the previous GMV is 0. */
  change: number | null;
  factors: FactorChange[];
  /** The factor with the largest contribution (by size), or null when the change cannot be split. */
  mainDriver: GmvFactor | null;
}

function factorsOf(totals: Totals): Record<GmvFactor, number | null> {
  const share = (numerator: number, denominator: number) =>
    denominator > 0 ? numerator / denominator : null;
  return {
    uv: totals.uv,
    conversion: share(totals.payingVisitors, totals.uv),
    ordersPerBuyer: share(totals.ordersPaid, totals.payingVisitors),
    aov: share(totals.gmv, totals.ordersPaid),
  };
}

function logMean(a: number, b: number): number {
  return a === b ? a : (a - b) / (Math.log(a) - Math.log(b));
}

export function decomposeGmv(previous: Totals, current: Totals): GmvDecomposition {
  const before = factorsOf(previous);
  const after = factorsOf(current);
  // Logs need every factor positive in both periods, and the product must be the GMV (a paid order
  // with no paying visitor at all, e.g. only imported history, breaks the identity).
  const positive = (values: Record<GmvFactor, number | null>) =>
    GMV_FACTORS.every((f) => (values[f] ?? 0) > 0);
  const splittable = previous.gmv > 0 && current.gmv > 0 && positive(before) && positive(after);
  const weight = splittable ? logMean(current.gmv, previous.gmv) : 0;

  const factors = GMV_FACTORS.map((factor): FactorChange => {
    const p = before[factor];
    const c = after[factor];
    return {
      factor,
      previous: p,
      current: c,
      change: p !== null && c !== null && p > 0 ? c / p - 1 : null,
      contribution: splittable ? weight * Math.log(c! / p!) : null,
    };
  });
  const mainDriver = splittable
    ? factors.reduce((best, f) => (Math.abs(f.contribution!) > Math.abs(best.contribution!) ? f : best))
        .factor
    : null;
  return {
    previousGmv: previous.gmv,
    currentGmv: current.gmv,
    change: previous.gmv > 0 ? current.gmv / previous.gmv - 1 : null,
    factors,
    mainDriver: current.gmv === previous.gmv ? null : mainDriver,
  };
}
