import {
  DEFAULT_NEAR_EXPIRY_DAYS,
  DEFAULT_SELL_THROUGH_DAYS,
  isNearExpiry,
  sellThrough,
  sellThroughBelow,
} from '@ecom/analytics-read-models/stock-health';
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
 *  SLOW_MOVING         SKU: available > 0 and sell-through over slowMovingDays below
 *                      slowMovingSellThroughPct percent, where sell-through = units committed to orders /
 *                      (those + units available) = (shipped + reserved) / (shipped + onHand): units reserved
 *                      for orders not shipped yet count as sold, so a sold-out SKU is never slow.
 * "Units shipped" (STOCKOUT_RISK's velocity, SLOW_MOVING's shipped) are units that left stock with
 * shipments (StockDeducted) inside the window (at - N days, at]; "reserved" is the SKU's reserved units
 * at the instant. Both come from the SKU's own inventory stream, so a warning comes out the same in any
 * delivery order and in a rebuild. Every comparison is done in integers, so there is no rounding at the edges.
 *
 * A listed SKU that inventory never heard of (no event of its StockItem stream) is out of stock for
 * shoppers: neverStockedWarnings gives its OUT_OF_STOCK, from the catalog's facts alone.
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
  nearExpiryDays: DEFAULT_NEAR_EXPIRY_DAYS,
  slowMovingDays: DEFAULT_SELL_THROUGH_DAYS,
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

  for (const level of inputs.warehouses) {
    if (level.onHand <= 0) continue;
    const expiring = inputs.batches
      .filter(
        (b) =>
          b.warehouse === level.warehouse &&
          b.quantity > 0 &&
          isNearExpiry(b.expiresAt, at, params.nearExpiryDays),
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

  // The stock health's sell-through (one definition for the warning and the figure).
  const st = sellThrough({
    shipped: inputs.unitsSoldSlowWindow,
    reserved: inputs.onHand - inputs.available,
    onHand: inputs.onHand,
  });
  if (inputs.available > 0 && sellThroughBelow(st, params.slowMovingSellThroughPct)) {
    warnings.push({
      type: 'SLOW_MOVING',
      warehouse: null,
      ...base,
      details: {
        onHand: inputs.onHand,
        unitsSold: st.shipped,
        unitsReserved: st.reserved,
        windowDays: params.slowMovingDays,
        sellThrough: st.rate,
      },
    });
  }
  return warnings;
}

/** Marks the OUT_OF_STOCK of a listed SKU that inventory never heard of (details.neverStocked). */
export const NEVER_STOCKED = 'neverStocked';

/** A listed SKU without inventory facts, and when it became listed (its product's listing or its addition). */
export interface ListingInputs {
  listed: boolean;
  /** The later of the product's (last) listing and the SKU's addition; null when not listed. */
  listedSince: Date | null;
}

/**
 * The warnings of a SKU that inventory never heard of: OUT_OF_STOCK (available 0) while catalog
 * lists it, since it was listed. Nothing once it is unlisted or discontinued.
 */
export function neverStockedWarnings(listing: ListingInputs): Warning[] {
  if (!listing.listed) return [];
  return [
    {
      type: 'OUT_OF_STOCK',
      warehouse: null,
      available: 0,
      safetyStock: 0,
      daysOfCover: null,
      suggestedReorderQty: null,
      details: { onHand: 0, [NEVER_STOCKED]: true },
    },
  ];
}

export const isNeverStocked = (w: Pick<Warning, 'details'>) => w.details[NEVER_STOCKED] === true;

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
