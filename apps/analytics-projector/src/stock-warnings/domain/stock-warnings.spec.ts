import fc from 'fast-check';
import {
  ActiveWarning,
  DEFAULT_STOCK_WARNING_PARAMS as P,
  diffWarnings,
  evaluateStockWarnings,
  isNeverStocked,
  neverStockedWarnings,
  StockWarningInputs,
} from './stock-warnings';

const at = new Date('2026-03-10T04:00:00.000Z');
const days = (n: number) => new Date(at.getTime() + n * 86_400_000);
const facts = (over: Partial<StockWarningInputs> = {}): StockWarningInputs => ({
  sku: 'SKU-1',
  onHand: 100,
  available: 100,
  safetyStock: 0,
  leadTimeDays: null,
  unitsSoldSalesWindow: 50,
  unitsSoldSlowWindow: 100,
  warehouses: [{ warehouse: 'WH1', onHand: 100, available: 100 }],
  batches: [],
  ...over,
});
const types = (f: StockWarningInputs) =>
  evaluateStockWarnings(f, at, P).map((w) => `${w.type}:${w.warehouse ?? '*'}`);

describe('stock warnings', () => {
  it('raise nothing for healthy stock', () => {
    expect(types(facts())).toEqual([]);
  });

  it('OUT_OF_STOCK at available 0 (also when everything on hand is reserved), BELOW_SAFETY_STOCK under the safety stock', () => {
    expect(types(facts({ available: 0, onHand: 5 }))).toEqual(['OUT_OF_STOCK:*']);
    expect(types(facts({ available: 0, onHand: 0, safetyStock: 10 }))).toEqual([
      'OUT_OF_STOCK:*',
      'BELOW_SAFETY_STOCK:*',
    ]);
    expect(types(facts({ available: 9, safetyStock: 10 }))).toEqual(['BELOW_SAFETY_STOCK:*']);
    expect(types(facts({ available: 10, safetyStock: 10 }))).toEqual([]);
  });

  it('STOCKOUT_RISK when days of cover < lead time, with the reorder quantity worked out', () => {
    // 28 units in 14 days = 2/day; available 10 -> 5 days of cover < lead time 7.
    // reorder point = 2 x 7 + 5 = 19; + 14 days x 2 = 47; - 10 available = 37.
    const [risk] = evaluateStockWarnings(
      facts({ available: 10, onHand: 12, safetyStock: 5, leadTimeDays: 7, unitsSoldSalesWindow: 28 }),
      at,
      P,
    ).filter((w) => w.type === 'STOCKOUT_RISK');
    expect(risk).toMatchObject({ daysOfCover: 5, suggestedReorderQty: 37, available: 10, safetyStock: 5 });
    expect(risk.details).toMatchObject({ averageDailyUnitsSold: 2, reorderPoint: 19 });
    // Exactly at the lead time (14 units -> 1/day, 7 available -> 7 days) is no risk.
    expect(types(facts({ available: 7, leadTimeDays: 7, unitsSoldSalesWindow: 14 }))).toEqual([]);
    // No lead time or no sales: no risk.
    expect(types(facts({ available: 1, leadTimeDays: null, unitsSoldSalesWindow: 14 }))).toEqual([]);
    expect(
      types(facts({ available: 1, leadTimeDays: 7, unitsSoldSalesWindow: 0, unitsSoldSlowWindow: 100 })),
    ).toEqual([]);
  });

  it('NEAR_EXPIRY per warehouse with stock, for the first batch expiring within 30 days', () => {
    const f = facts({
      warehouses: [
        { warehouse: 'WH1', onHand: 40, available: 30 },
        { warehouse: 'WH2', onHand: 0, available: 0 },
      ],
      batches: [
        { warehouse: 'WH1', batch: 'B-late', expiresAt: days(31), quantity: 10 },
        { warehouse: 'WH1', batch: 'B-soon', expiresAt: days(30), quantity: 50 },
        { warehouse: 'WH2', batch: 'B-gone', expiresAt: days(1), quantity: 5 },
      ],
    });
    const near = evaluateStockWarnings(f, at, P).filter((w) => w.type === 'NEAR_EXPIRY');
    expect(near).toHaveLength(1);
    expect(near[0]).toMatchObject({ warehouse: 'WH1', available: 30 });
    expect(near[0].details).toEqual({
      batch: 'B-soon',
      expiresAt: days(30).toISOString(),
      quantity: 40,
      expiringBatches: 1,
      expired: false,
    });
  });

  it('SLOW_MOVING when on hand and sell-through below 5% (exactly 5% is not slow)', () => {
    // 1 / (1 + 19) = 5%: not slow; 1 / (1 + 20) < 5%: slow.
    expect(types(facts({ onHand: 19, available: 19, unitsSoldSlowWindow: 1 }))).toEqual([]);
    expect(types(facts({ onHand: 20, available: 20, unitsSoldSlowWindow: 1 }))).toEqual(['SLOW_MOVING:*']);
    expect(types(facts({ onHand: 0, available: 0, unitsSoldSlowWindow: 0 }))).toEqual(['OUT_OF_STOCK:*']);
  });

  it('counts units reserved for orders as sold: a sold-out SKU is OUT_OF_STOCK, never SLOW_MOVING', () => {
    // Nothing shipped, all 20 on hand reserved: sell-through (0 + 20) / (0 + 20) = 100%.
    expect(types(facts({ onHand: 20, available: 0, unitsSoldSlowWindow: 0 }))).toEqual(['OUT_OF_STOCK:*']);
    // Nothing shipped, 1 of 20 reserved: 1 / 20 = 5%, not slow; 1 of 21: 1 / 21 < 5%, slow.
    expect(types(facts({ onHand: 20, available: 19, unitsSoldSlowWindow: 0 }))).toEqual([]);
    const [slow] = evaluateStockWarnings(facts({ onHand: 21, available: 20, unitsSoldSlowWindow: 0 }), at, P);
    expect(slow).toMatchObject({ type: 'SLOW_MOVING', available: 20 });
    expect(slow.details).toEqual({
      onHand: 21,
      unitsSold: 0,
      unitsReserved: 1,
      windowDays: 30,
      sellThrough: 0.0476,
    });
    // 2 shipped and 3 reserved of 95 on hand: (2 + 3) / (2 + 95) = 5.15%: not slow.
    expect(types(facts({ onHand: 95, available: 92, unitsSoldSlowWindow: 2 }))).toEqual([]);
  });

  it('never raises SLOW_MOVING with nothing available, whatever was shipped or reserved (property)', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(1000), (onHand, reservedShare, shipped) => {
        const reserved = onHand === 0 ? 0 : reservedShare % (onHand + 1);
        const found = types(facts({ onHand, available: onHand - reserved, unitsSoldSlowWindow: shipped }));
        if (onHand - reserved === 0) expect(found).not.toContain('SLOW_MOVING:*');
        // More reserved never makes a SKU slower.
        if (found.includes('SLOW_MOVING:*') && reserved > 0) {
          const lessReserved = facts({
            onHand,
            available: onHand - reserved + 1,
            unitsSoldSlowWindow: shipped,
          });
          expect(types(lessReserved)).toContain('SLOW_MOVING:*');
        }
      }),
    );
  });

  it('raises OUT_OF_STOCK for a listed SKU inventory never heard of, since it was listed', () => {
    expect(neverStockedWarnings({ listed: false, listedSince: null })).toEqual([]);
    const [out] = neverStockedWarnings({ listed: true, listedSince: days(-3) });
    expect(out).toEqual({
      type: 'OUT_OF_STOCK',
      warehouse: null,
      available: 0,
      safetyStock: 0,
      daysOfCover: null,
      suggestedReorderQty: null,
      details: { onHand: 0, neverStocked: true },
    });
    expect(isNeverStocked(out)).toBe(true);
    // Inventory's own OUT_OF_STOCK is not the catalog's.
    const [own] = evaluateStockWarnings(facts({ onHand: 0, available: 0 }), at, P);
    expect(isNeverStocked(own)).toBe(false);
  });

  it('report a non-negative reorder quantity and cover below the lead time whenever STOCKOUT_RISK is raised', () => {
    fc.assert(
      fc.property(
        fc.nat(500),
        fc.nat(100),
        fc.integer({ min: 1, max: 60 }),
        fc.nat(1000),
        (available, safety, lead, sold) => {
          const w = evaluateStockWarnings(
            facts({
              available,
              onHand: available,
              safetyStock: safety,
              leadTimeDays: lead,
              unitsSoldSalesWindow: sold,
            }),
            at,
            P,
          ).find((x) => x.type === 'STOCKOUT_RISK');
          if (!w) return;
          expect(w.suggestedReorderQty!).toBeGreaterThanOrEqual(0);
          expect(w.daysOfCover!).toBeLessThanOrEqual(lead);
          // After reordering, cover reaches the lead time plus the cover days (the reorder point + 14 days).
          expect(((available + w.suggestedReorderQty!) * 14) / sold).toBeGreaterThanOrEqual(lead + 14 - 1e-9);
        },
      ),
    );
  });

  it('diff into raised, cleared and kept', () => {
    const active: ActiveWarning[] = [
      {
        type: 'OUT_OF_STOCK',
        warehouse: null,
        available: 0,
        safetyStock: 0,
        daysOfCover: null,
        suggestedReorderQty: null,
        details: {},
        since: at,
      },
      {
        type: 'NEAR_EXPIRY',
        warehouse: 'WH1',
        available: 0,
        safetyStock: 0,
        daysOfCover: null,
        suggestedReorderQty: null,
        details: {},
        since: at,
      },
    ];
    const wanted = evaluateStockWarnings(facts({ available: 0, onHand: 0, safetyStock: 3 }), at, P);
    const diff = diffWarnings(active, wanted);
    expect(diff.raised.map((w) => w.type)).toEqual(['BELOW_SAFETY_STOCK']);
    expect(diff.cleared.map((w) => `${w.type}:${w.warehouse}`)).toEqual(['NEAR_EXPIRY:WH1']);
    expect(diff.kept.map((w) => w.type)).toEqual(['OUT_OF_STOCK']);
  });
});
