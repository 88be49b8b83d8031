/**
 * The product sales-margin matrix (docs/analytics.md), pure. Each SKU falls in a quadrant by net
 * units sold and gross margin (revenue - units x unit cost) in the period:
 *   star    = high units, high margin      traffic = high units, low margin
 *   profit  = low units,  high margin      slow    = low units,  low margin
 * "High" means at or above the median of all SKUs in the matrix whose margin is known, and above 0
 * (so a SKU that sold nothing, or makes no margin, is never high). SKUs without a unit cost have no
 * margin and no quadrant, and do not count for the medians.
 */

export type Quadrant = 'star' | 'traffic' | 'profit' | 'slow';

export interface MatrixInput {
  sku: string;
  unitsSold: number;
  grossMargin: number | null;
}

export interface MatrixThresholds {
  /** Median of units sold (null when no SKU has a known margin). */
  unitsSold: number | null;
  grossMargin: number | null;
}

/** The median of numbers (mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function matrixThresholds(items: readonly MatrixInput[]): MatrixThresholds {
  const known = items.filter((i) => i.grossMargin !== null);
  return {
    unitsSold: median(known.map((i) => i.unitsSold)),
    grossMargin: median(known.map((i) => i.grossMargin!)),
  };
}

export function quadrantOf(item: MatrixInput, thresholds: MatrixThresholds): Quadrant | null {
  if (item.grossMargin === null || thresholds.unitsSold === null || thresholds.grossMargin === null)
    return null;
  const highUnits = item.unitsSold > 0 && item.unitsSold >= thresholds.unitsSold;
  const highMargin = item.grossMargin > 0 && item.grossMargin >= thresholds.grossMargin;
  if (highUnits) return highMargin ? 'star' : 'traffic';
  return highMargin ? 'profit' : 'slow';
}

export function classifyMatrix<T extends MatrixInput>(
  items: readonly T[],
): { thresholds: MatrixThresholds; items: (T & { quadrant: Quadrant | null })[] } {
  const thresholds = matrixThresholds(items);
  return { thresholds, items: items.map((item) => ({ ...item, quadrant: quadrantOf(item, thresholds) })) };
}
