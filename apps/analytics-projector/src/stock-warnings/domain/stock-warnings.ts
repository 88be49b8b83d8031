import type { StockWarningType } from '@ecom/contracts';
/**
 * Stock warnings (docs/contract.md section 6, docs/analytics.md), pure: which warnings hold for one SKU at an instant, given
 * its warning inputs (StockWarningInputs), and how they differ from the warnings already active.
 *
 *  OUT_OF_STOCK        SKU over all warehouses: available = 0.
 *  BELOW_SAFETY_STOCK  SKU: available < safetyStock.
 *  STOCKOUT_RISK       SKU: daysOfCover = available / (units sold in the last salesWindowDays / salesWindowDays)
 *                      < leadTimeDays (needs a lead time and sales). suggestedReorderQty brings stock to the
 *                      reorder point (avg x leadTime + safetyStock) plus coverDays of cover:
 *                      ceil(avg x (leadTime + coverDays) + safetyStock - available), at least 0.
 *  NEAR_EXPIRY         SKU and warehouse: the warehouse has stock and a batch with units left that expires
 *                      within nearExpiryDays (or has expired).
 *  SLOW_MOVING         SKU: on hand > 0 and sell-through over slowMovingDays
 *                      = sold / (sold + onHand) below slowMovingSellThroughPct percent.
 * "Units sold" are units that left stock with shipments (StockDeducted) inside the window
 * (at - N days, at]. Every comparison is done in integers, so there is no rounding at the edges.
 */

export type { StockWarningType };

export interface StockWarningParams {
  salesWindowDays: number;
  coverDays: number;
  nearExpiryDays: number;
  slowMovingDays: number;
  slowMovingSellThroughPct: number;
}

export const DEFAULT_STOCK_WARNING_PARAMS: StockWarningParams = {
  salesWindowDays: 14,
  coverDays: 14,
  nearExpiryDays: 30,
  slowMovingDays: 30,
  slowMovingSellThroughPct: 5,
};

/**
 * What the evaluation of one SKU's warnings reads at an instant: its stock and policy, units shipped in
 * the two sales windows, per-warehouse levels and batches with units left.
 */
export interface StockWarningInputs {
  sku: string;
  onHand: number;
  available: number;
  safetyStock: number;
  leadTimeDays: number | null;
  /** Units shipped in (at - salesWindowDays, at]. */
  unitsSoldSalesWindow: number;
  /** Units shipped in (at - slowMovingDays, at]. */
  unitsSoldSlowWindow: number;
  warehouses: { warehouse: string; onHand: number; available: number }[];
  /** Batches with units left. */
  batches: { warehouse: string; batch: string; expiresAt: Date | null; quantity: number }[];
}

export interface Warning {
  type: StockWarningType;
  warehouse: string | null;
  available: number;
  safetyStock: number;
  daysOfCover: number | null;
  suggestedReorderQty: number | null;
  details: Record<string, unknown>;
}

export interface ActiveWarning extends Warning {
  since: Date;
  /**
   * An operator cleared it while it held (StockWarningCleared was published then): it stays silent,
   * neither raised nor cleared again, until an evaluation finds it no longer holds.
   */
  dismissed?: boolean;
}

const DAY_MS = 86_400_000;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function evaluateStockWarnings(
  inputs: StockWarningInputs,
  at: Date,
  params: StockWarningParams,
): Warning[] {
  const warnings: Warning[] = [];
  const base = {
    available: inputs.available,
    safetyStock: inputs.safetyStock,
    daysOfCover: null,
    suggestedReorderQty: null,
  };

  if (inputs.available === 0) {
    warnings.push({ type: 'OUT_OF_STOCK', warehouse: null, ...base, details: { onHand: inputs.onHand } });
  }
  if (inputs.available < inputs.safetyStock) {
    warnings.push({
      type: 'BELOW_SAFETY_STOCK',
      warehouse: null,
      ...base,
      details: { onHand: inputs.onHand },
    });
  }

  const sold = inputs.unitsSoldSalesWindow;
  const window = params.salesWindowDays;
  const lead = inputs.leadTimeDays;
  // available / (sold / window) < lead  <=>  available * window < lead * sold  (sold > 0)
  if (lead !== null && sold > 0 && inputs.available * window < lead * sold) {
    // ceil((sold * (lead + cover) + window * (safety - available)) / window)
    const numerator = sold * (lead + params.coverDays) + window * (inputs.safetyStock - inputs.available);
    warnings.push({
      type: 'STOCKOUT_RISK',
      warehouse: null,
      available: inputs.available,
      safetyStock: inputs.safetyStock,
      daysOfCover: round2((inputs.available * window) / sold),
      suggestedReorderQty: Math.max(0, Math.ceil(numerator / window)),
      details: {
        unitsSold: sold,
        windowDays: window,
        averageDailyUnitsSold: round2(sold / window),
        leadTimeDays: lead,
        reorderPoint: round2((sold * lead) / window + inputs.safetyStock),
      },
    });
  }

  const horizon = at.getTime() + params.nearExpiryDays * DAY_MS;
  for (const level of inputs.warehouses) {
    if (level.onHand <= 0) continue;
    const expiring = inputs.batches
      .filter(
        (b) =>
          b.warehouse === level.warehouse &&
          b.quantity > 0 &&
          b.expiresAt &&
          b.expiresAt.getTime() <= horizon,
      )
      .sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime() || a.batch.localeCompare(b.batch));
    if (expiring.length === 0) continue;
    const first = expiring[0];
    warnings.push({
      type: 'NEAR_EXPIRY',
      warehouse: level.warehouse,
      available: level.available,
      safetyStock: inputs.safetyStock,
      daysOfCover: null,
      suggestedReorderQty: null,
      details: {
        batch: first.batch,
        expiresAt: first.expiresAt!.toISOString(),
        quantity: Math.min(first.quantity, level.onHand),
        expiringBatches: expiring.length,
        expired: first.expiresAt!.getTime() <= at.getTime(),
      },
    });
  }

  const slowSold = inputs.unitsSoldSlowWindow;
  // slowSold / (slowSold + onHand) < pct / 100  <=>  100 * slowSold < pct * (slowSold + onHand)
  if (inputs.onHand > 0 && 100 * slowSold < params.slowMovingSellThroughPct * (slowSold + inputs.onHand)) {
    warnings.push({
      type: 'SLOW_MOVING',
      warehouse: null,
      ...base,
      details: {
        onHand: inputs.onHand,
        unitsSold: slowSold,
        windowDays: params.slowMovingDays,
        sellThrough: Math.round((slowSold / (slowSold + inputs.onHand)) * 10_000) / 10_000,
      },
    });
  }
  return warnings;
}

/** Units available over all warehouses (warehouse null) or in one warehouse (0 without a level there). */
export function availableIn(inputs: StockWarningInputs, warehouse: string | null): number {
  if (warehouse === null) return inputs.available;
  return inputs.warehouses.find((w) => w.warehouse === warehouse)?.available ?? 0;
}

export const warningKey = (w: { type: string; warehouse: string | null }) =>
  `${w.type}|${w.warehouse ?? '*'}`;

export interface WarningChanges {
  raised: Warning[];
  cleared: ActiveWarning[];
  /** Still active: the figures are refreshed, `since` stays. */
  kept: Warning[];
}

export function diffWarnings(active: readonly ActiveWarning[], wanted: readonly Warning[]): WarningChanges {
  const activeKeys = new Set(active.map(warningKey));
  const wantedKeys = new Set(wanted.map(warningKey));
  return {
    raised: wanted.filter((w) => !activeKeys.has(warningKey(w))),
    cleared: active.filter((w) => !wantedKeys.has(warningKey(w))),
    kept: wanted.filter((w) => activeKeys.has(warningKey(w))),
  };
}
