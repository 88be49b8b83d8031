import fc from 'fast-check';
import {
  ageInDays,
  combinedSellThrough,
  combinedStockAge,
  DEFAULT_NEAR_EXPIRY_DAYS,
  expiringUnits,
  isNearExpiry,
  sellThrough,
  sellThroughBelow,
  stockAge,
  totalValueAtRisk,
  valueAtRisk,
} from './stock-health.domain';

/** Fixed seed: a failure reproduces on every run. */
const RUNS = { seed: 20260310, numRuns: 200 };
/** 2026-03-10 12:00 Asia/Shanghai. */
const AT = new Date('2026-03-10T04:00:00.000Z');
const daysBefore = (days: number, hours = 0) =>
  new Date(AT.getTime() - days * 86_400_000 - hours * 3_600_000);

describe('sell-through', () => {
  it('counts reserved units as sold: (shipped + reserved) / (shipped + on hand)', () => {
    // 12 shipped, 40 on hand of which 4 reserved: (12 + 4) / (12 + 40) = 16 / 52 = 0.30769 -> 0.3077.
    expect(sellThrough({ shipped: 12, reserved: 4, onHand: 40 })).toEqual({
      shipped: 12,
      reserved: 4,
      onHand: 40,
      sold: 16,
      base: 52,
      rate: 0.3077,
    });
    // Sold out: all 10 on hand reserved, nothing shipped: 10 / 10 = 1.
    expect(sellThrough({ shipped: 0, reserved: 10, onHand: 10 }).rate).toBe(1);
    // Nothing to sell: no rate rather than 0 or 1.
    expect(sellThrough({ shipped: 0, reserved: 0, onHand: 0 }).rate).toBeNull();
  });

  it('compares with a percentage in integers, strictly below', () => {
    // 1 / 20 = 5 % exactly: not below 5; 1 / 21 is.
    expect(sellThroughBelow(sellThrough({ shipped: 1, reserved: 0, onHand: 19 }), 5)).toBe(false);
    expect(sellThroughBelow(sellThrough({ shipped: 1, reserved: 0, onHand: 20 }), 5)).toBe(true);
  });

  it("of a category is the formula over the SKUs' summed units, not an average of rates", () => {
    // A: 10 shipped, 0 reserved, 10 on hand (0.5); B: 0 shipped, 0 reserved, 90 on hand (0).
    // (10 + 0) / (10 + 100) = 0.0909, where the mean of the rates would say 0.25.
    const c = combinedSellThrough([
      { shipped: 10, reserved: 0, onHand: 10 },
      { shipped: 0, reserved: 0, onHand: 90 },
    ]);
    expect([c.sold, c.base, c.rate]).toEqual([10, 110, 0.0909]);
  });

  it('lies in [0, 1] and does not depend on the order of the SKUs', () => {
    const units = fc.record({ shipped: fc.nat(1000), onHand: fc.nat(1000) }).chain((u) =>
      fc.record({
        shipped: fc.constant(u.shipped),
        onHand: fc.constant(u.onHand),
        reserved: fc.nat(u.onHand),
      }),
    );
    fc.assert(
      fc.property(fc.array(units, { maxLength: 8 }), (parts) => {
        const c = combinedSellThrough(parts);
        expect(combinedSellThrough([...parts].reverse())).toEqual(c);
        if (c.rate !== null) expect(c.rate >= 0 && c.rate <= 1).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('stock age', () => {
  it('puts units in bands by whole days since receipt and weights the average by units', () => {
    // 10 received 0 d 5 h ago (age 0), 5 aged exactly 30 d (0-30), 4 aged 31 d (31-60),
    // 3 aged 90 d (61-90), 2 aged 91 d (>90); one batch of unknown receipt (6 units) and 2 unbatched.
    // On hand 32 = 10 + 5 + 4 + 3 + 2 + 6 + 2. Unit-days: 0 + 150 + 124 + 270 + 182 = 726; 726 / 24 = 30.25.
    const age = stockAge(
      [
        { quantity: 10, receivedAt: daysBefore(0, 5) },
        { quantity: 5, receivedAt: daysBefore(30) },
        { quantity: 4, receivedAt: daysBefore(31) },
        { quantity: 3, receivedAt: daysBefore(90) },
        { quantity: 2, receivedAt: daysBefore(91) },
        { quantity: 6, receivedAt: null },
        { quantity: 0, receivedAt: daysBefore(200) },
      ],
      32,
      AT,
    );
    expect(age).toEqual({
      bands: { days0To30: 15, days31To60: 4, days61To90: 3, over90Days: 2 },
      agedUnits: 24,
      unknownAgeUnits: 8,
      unitAgeDays: 726,
      averageAgeDays: 30.25,
    });
  });

  it('counts a day only once it has fully passed, and a receipt after the instant as age 0', () => {
    expect(ageInDays(daysBefore(30, -1), AT)).toBe(29);
    expect(ageInDays(daysBefore(30), AT)).toBe(30);
    expect(ageInDays(new Date(AT.getTime() + 3_600_000), AT)).toBe(0);
  });

  it('has no average without aged units', () => {
    expect(stockAge([], 5, AT)).toEqual({
      bands: { days0To30: 0, days31To60: 0, days61To90: 0, over90Days: 0 },
      agedUnits: 0,
      unknownAgeUnits: 5,
      unitAgeDays: 0,
      averageAgeDays: null,
    });
  });

  it('of a category sums the bands and weights the average by units', () => {
    // A: 10 units aged 10 d; B: 30 units aged 50 d: (100 + 1500) / 40 = 40.
    const a = stockAge([{ quantity: 10, receivedAt: daysBefore(10) }], 10, AT);
    const b = stockAge([{ quantity: 30, receivedAt: daysBefore(50) }], 31, AT);
    expect(combinedStockAge([a, b])).toEqual({
      bands: { days0To30: 10, days31To60: 30, days61To90: 0, over90Days: 0 },
      agedUnits: 40,
      unknownAgeUnits: 1,
      unitAgeDays: 1600,
      averageAgeDays: 40,
    });
  });

  it('is the same for the batches in any order, and the bands add up to the aged units', () => {
    const batch = fc.record({
      quantity: fc.nat(50),
      receivedAt: fc.option(
        fc.integer({ min: 0, max: 400 * 24 }).map((h) => daysBefore(0, h)),
        { nil: null },
      ),
    });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 10 }), fc.nat(600), (batches, onHand) => {
        const age = stockAge(batches, onHand, AT);
        expect(stockAge([...batches].reverse(), onHand, AT)).toEqual(age);
        const b = age.bands;
        expect(b.days0To30 + b.days31To60 + b.days61To90 + b.over90Days).toBe(age.agedUnits);
        // Splitting the batches over two SKUs and combining gives the same bands and average.
        const half = Math.floor(batches.length / 2);
        const combined = combinedStockAge([
          stockAge(batches.slice(0, half), 0, AT),
          stockAge(batches.slice(half), 0, AT),
        ]);
        expect([combined.bands, combined.agedUnits, combined.averageAgeDays]).toEqual([
          age.bands,
          age.agedUnits,
          age.averageAgeDays,
        ]);
      }),
      RUNS,
    );
  });
});

describe('near-expiry value at risk', () => {
  it("takes batches expiring within the horizon, expired ones included (NEAR_EXPIRY's rule)", () => {
    const inDays = (d: number) => new Date(AT.getTime() + d * 86_400_000);
    // Within 30 d: 4 expired 2 d ago, 6 expiring in exactly 30 d; not: 7 in 30 d + 1 ms, 9 without expiry.
    const e = expiringUnits(
      [
        { quantity: 6, expiresAt: inDays(30) },
        { quantity: 7, expiresAt: new Date(inDays(30).getTime() + 1) },
        { quantity: 4, expiresAt: inDays(-2) },
        { quantity: 9, expiresAt: null },
        { quantity: 0, expiresAt: inDays(1) },
      ],
      AT,
      DEFAULT_NEAR_EXPIRY_DAYS,
    );
    expect(e).toEqual({ units: 10, expiredUnits: 4, earliestExpiry: inDays(-2) });
    expect(isNearExpiry(inDays(0), AT, 0)).toBe(true);
    expect(isNearExpiry(null, AT, 365)).toBe(false);
  });

  it('values units at cost and at price, never one for the other', () => {
    // 10 units at cost 450, price 1200 (minor units).
    expect(valueAtRisk(10, 450, 1200)).toEqual({ units: 10, costValue: 4500, retailValue: 12000 });
    expect(valueAtRisk(3, null, 999)).toEqual({ units: 3, costValue: null, retailValue: 2997 });
    // Totals count unknown costs and prices as units, not as zero value.
    expect(
      totalValueAtRisk([valueAtRisk(10, 450, 1200), valueAtRisk(3, null, 999), valueAtRisk(2, 100, null)]),
    ).toEqual({ units: 15, costValue: 4700, unitsWithoutCost: 3, retailValue: 14997, unitsWithoutPrice: 2 });
  });
});
