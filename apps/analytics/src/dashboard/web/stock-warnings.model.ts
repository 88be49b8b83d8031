import type { StockWarningView } from '@ecom/analytics-read-models';

/**
 * The stock warnings table's rules, pure: how urgent each warning type is, the order of the rows, and
 * which rows changed since the previous refresh (to highlight them).
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Nothing left to sell first; then what runs out before new stock can arrive; then the rest. */
const SEVERITY_OF_TYPE: Record<string, Severity> = {
  OUT_OF_STOCK: 'critical',
  STOCKOUT_RISK: 'high',
  BELOW_SAFETY_STOCK: 'high',
  NEAR_EXPIRY: 'medium',
  SLOW_MOVING: 'low',
};

export const WARNING_TYPES: readonly StockWarningView['type'][] = [
  'OUT_OF_STOCK',
  'STOCKOUT_RISK',
  'BELOW_SAFETY_STOCK',
  'NEAR_EXPIRY',
  'SLOW_MOVING',
];

export function severityOf(type: string): Severity {
  return SEVERITY_OF_TYPE[type] ?? 'low';
}

/** One active warning: its type, SKU and warehouse (null: the SKU over all warehouses). */
export function warningKey(warning: Pick<StockWarningView, 'type' | 'sku' | 'warehouse'>): string {
  return JSON.stringify([warning.type, warning.sku, warning.warehouse]);
}

/** Most severe first, then by type, SKU and warehouse. */
export function sortWarnings<T extends StockWarningView>(warnings: readonly T[]): T[] {
  const rank = (w: T) => SEVERITIES.indexOf(severityOf(w.type));
  return [...warnings].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.type.localeCompare(b.type) ||
      a.sku.localeCompare(b.sku) ||
      (a.warehouse ?? '').localeCompare(b.warehouse ?? ''),
  );
}

const FIGURES = ['available', 'safetyStock', 'daysOfCover', 'suggestedReorderQty'] as const;

/**
 * Keys of the warnings that are new or whose figures moved since `previous` (none on the first load:
 * nothing has changed yet from the operator's point of view).
 */
export function changedWarnings(
  previous: readonly StockWarningView[] | undefined,
  current: readonly StockWarningView[],
): Set<string> {
  if (!previous) return new Set();
  const before = new Map(previous.map((w) => [warningKey(w), w]));
  return new Set(
    current
      .filter((w) => {
        const old = before.get(warningKey(w));
        return !old || FIGURES.some((figure) => old[figure] !== w[figure]);
      })
      .map(warningKey),
  );
}

export function countBySeverity(warnings: readonly StockWarningView[]): Record<Severity, number> {
  const counts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const w of warnings) counts[severityOf(w.type)] += 1;
  return counts;
}
