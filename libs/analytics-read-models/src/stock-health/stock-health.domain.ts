/**
 * Stock health, pure (docs/analytics.md, "Sell-through, stock age and value at risk"): sell-through
 * per SKU and category, stock age by band since receipt, and the units and value of batches near
 * expiry. The stock warnings (SLOW_MOVING, NEAR_EXPIRY) use sellThrough and isNearExpiry below, so a
 * figure here and a warning never disagree on what they mean.
 */

const DAY_MS = 86_400_000;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** The sell-through window of the stock warnings' SLOW_MOVING and of the stock health's default. */
export const DEFAULT_SELL_THROUGH_DAYS = 30;
/** The stock warnings' NEAR_EXPIRY horizon, and the value at risk's default. */
export const DEFAULT_NEAR_EXPIRY_DAYS = 30;

export interface SellThroughUnits {
  /** Units that left with shipments (StockDeducted) in the window. */
  shipped: number;
  /** Units held for orders not shipped yet (on hand - available) at the instant. */
  reserved: number;
  onHand: number;
}

export interface SellThrough extends SellThroughUnits {
  /** Units committed to orders: shipped + reserved. */
  sold: number;
  /** Units there were to sell: shipped + on hand. */
  base: number;
  /** sold / base to 4 decimals; null when there was nothing to sell. */
  rate: number | null;
}

/**
 * Sell-through = units committed to orders / (those + units available) = (shipped + reserved) /
 * (shipped + on hand). Reserved units count as sold, so a sold-out SKU has sell-through 1.
 */
export function sellThrough(units: SellThroughUnits): SellThrough {
  const sold = units.shipped + units.reserved;
  const base = units.shipped + units.onHand;
  return {
    ...units,
    sold,
    base,
    rate: base > 0 ? Math.round((sold / base) * 10_000) / 10_000 : null,
  };
}

/** sold / base < pct percent, compared in integers (no rounding at the edge). */
export function sellThroughBelow(s: Pick<SellThrough, 'sold' | 'base'>, pct: number): boolean {
  return 100 * s.sold < pct * s.base;
}

/** A category's (or any group's) sell-through: the same formula over the summed units. */
export function combinedSellThrough(parts: readonly SellThroughUnits[]): SellThrough {
  return sellThrough(
    parts.reduce(
      (t, p) => ({
        shipped: t.shipped + p.shipped,
        reserved: t.reserved + p.reserved,
        onHand: t.onHand + p.onHand,
      }),
      { shipped: 0, reserved: 0, onHand: 0 },
    ),
  );
}

/** A batch expiring at or before at + days (an expired batch included). */
export function isNearExpiry(expiresAt: Date | null, at: Date, days: number): boolean {
  return expiresAt !== null && expiresAt.getTime() <= at.getTime() + days * DAY_MS;
}

// ---------------------------------------------------------------------------------------- stock age

export interface AgeBands {
  /** Units received 0 to 30 whole days before the instant. */
  days0To30: number;
  days31To60: number;
  days61To90: number;
  over90Days: number;
}

export interface StockAge {
  bands: AgeBands;
  /** Units in batches with a receipt time (the sum of the bands). */
  agedUnits: number;
  /** Units on hand not in such a batch (unbatched stock, batches received before received_at existed). */
  unknownAgeUnits: number;
  /** Sum over aged units of their age in whole days (what averages combine from). */
  unitAgeDays: number;
  /** unitAgeDays / agedUnits to 2 decimals; null without aged units. */
  averageAgeDays: number | null;
}

export interface AgedBatch {
  quantity: number;
  receivedAt: Date | null;
}

/** Whole days since receipt (0 for a receipt after the instant, e.g. a clock behind the events). */
export function ageInDays(receivedAt: Date, at: Date): number {
  return Math.max(0, Math.floor((at.getTime() - receivedAt.getTime()) / DAY_MS));
}

function band(age: number): keyof AgeBands {
  if (age <= 30) return 'days0To30';
  if (age <= 60) return 'days31To60';
  if (age <= 90) return 'days61To90';
  return 'over90Days';
}

const emptyBands = (): AgeBands => ({ days0To30: 0, days31To60: 0, days61To90: 0, over90Days: 0 });

const withAverage = (age: Omit<StockAge, 'averageAgeDays'>): StockAge => ({
  ...age,
  averageAgeDays: age.agedUnits > 0 ? round2(age.unitAgeDays / age.agedUnits) : null,
});

/** A SKU's units on hand by age band at `at`, from its batches with units left. */
export function stockAge(batches: readonly AgedBatch[], onHand: number, at: Date): StockAge {
  const bands = emptyBands();
  let agedUnits = 0;
  let unitAgeDays = 0;
  for (const b of batches) {
    if (b.quantity <= 0 || b.receivedAt === null) continue;
    const age = ageInDays(b.receivedAt, at);
    bands[band(age)] += b.quantity;
    agedUnits += b.quantity;
    unitAgeDays += b.quantity * age;
  }
  return withAverage({ bands, agedUnits, unknownAgeUnits: Math.max(0, onHand - agedUnits), unitAgeDays });
}

/** A group's stock age: bands and unit-days summed, the average weighted by units. */
export function combinedStockAge(parts: readonly StockAge[]): StockAge {
  const bands = emptyBands();
  let agedUnits = 0;
  let unknownAgeUnits = 0;
  let unitAgeDays = 0;
  for (const p of parts) {
    for (const key of Object.keys(bands) as (keyof AgeBands)[]) bands[key] += p.bands[key];
    agedUnits += p.agedUnits;
    unknownAgeUnits += p.unknownAgeUnits;
    unitAgeDays += p.unitAgeDays;
  }
  return withAverage({ bands, agedUnits, unknownAgeUnits, unitAgeDays });
}

// ------------------------------------------------------------------------------------ value at risk

export interface ExpiringBatch {
  quantity: number;
  expiresAt: Date | null;
}

export interface Expiring {
  /** Units left in batches expiring within the horizon (expired ones included). */
  units: number;
  /** Of those, units in batches already expired at the instant. */
  expiredUnits: number;
  earliestExpiry: Date | null;
}

/** The units of a SKU's batches that expire within `days` of `at` (NEAR_EXPIRY's rule). */
export function expiringUnits(batches: readonly ExpiringBatch[], at: Date, days: number): Expiring {
  let units = 0;
  let expiredUnits = 0;
  let earliestExpiry: Date | null = null;
  for (const b of batches) {
    if (b.quantity <= 0 || !isNearExpiry(b.expiresAt, at, days)) continue;
    units += b.quantity;
    if (b.expiresAt!.getTime() <= at.getTime()) expiredUnits += b.quantity;
    if (earliestExpiry === null || b.expiresAt!.getTime() < earliestExpiry.getTime())
      earliestExpiry = b.expiresAt;
  }
  return { units, expiredUnits, earliestExpiry };
}

export interface ValueAtRisk {
  units: number;
  /** units x unit cost (minor units): what writing them off loses; null when the cost is unknown. */
  costValue: number | null;
  /** units x unit price (minor units): the revenue they would bring; null when the price is unknown. */
  retailValue: number | null;
}

/** A SKU's value at risk. Cost and price are never substituted for each other. */
export function valueAtRisk(units: number, unitCost: number | null, unitPrice: number | null): ValueAtRisk {
  return {
    units,
    costValue: unitCost === null ? null : units * unitCost,
    retailValue: unitPrice === null ? null : units * unitPrice,
  };
}

export interface ValueAtRiskTotal {
  units: number;
  /** Sum of the known cost values. */
  costValue: number;
  /** Units of SKUs whose cost is unknown (not in costValue). */
  unitsWithoutCost: number;
  retailValue: number;
  unitsWithoutPrice: number;
}

/** Sums SKUs' values at risk (of one currency); unknown costs and prices are counted, not guessed. */
export function totalValueAtRisk(parts: readonly ValueAtRisk[]): ValueAtRiskTotal {
  const total: ValueAtRiskTotal = {
    units: 0,
    costValue: 0,
    unitsWithoutCost: 0,
    retailValue: 0,
    unitsWithoutPrice: 0,
  };
  for (const p of parts) {
    total.units += p.units;
    if (p.costValue === null) total.unitsWithoutCost += p.units;
    else total.costValue += p.costValue;
    if (p.retailValue === null) total.unitsWithoutPrice += p.units;
    else total.retailValue += p.retailValue;
  }
  return total;
}
