import fc from 'fast-check';
import { classifyMatrix, median } from './matrix.domain';

describe('product matrix', () => {
  it('takes the median of the SKUs with a known margin as thresholds', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    const { thresholds, items } = classifyMatrix([
      { sku: 'A', unitsSold: 10, grossMargin: 5000 }, // high units, high margin
      { sku: 'B', unitsSold: 12, grossMargin: 100 }, // high units, low margin
      { sku: 'C', unitsSold: 2, grossMargin: 9000 }, // low units, high margin
      { sku: 'D', unitsSold: 1, grossMargin: 50 }, // low, low
      { sku: 'E', unitsSold: 100, grossMargin: null }, // no cost: no quadrant, not in the medians
    ]);
    // units [10,12,2,1] -> median (2+10)/2 = 6; margins [5000,100,9000,50] -> (100+5000)/2 = 2550
    expect(thresholds).toEqual({ unitsSold: 6, grossMargin: 2550 });
    expect(items.map((i) => [i.sku, i.quadrant])).toEqual([
      ['A', 'star'],
      ['B', 'traffic'],
      ['C', 'profit'],
      ['D', 'slow'],
      ['E', null],
    ]);
  });

  it('never calls a SKU that sold nothing or makes no margin "high"', () => {
    const { items } = classifyMatrix([
      { sku: 'A', unitsSold: 0, grossMargin: 0 },
      { sku: 'B', unitsSold: 0, grossMargin: 0 },
      { sku: 'C', unitsSold: 3, grossMargin: -10 },
    ]);
    expect(items.map((i) => i.quadrant)).toEqual(['slow', 'slow', 'traffic']);
  });

  it('classifies every SKU with a margin, and a SKU that beats another on both axes is never in a worse quadrant', () => {
    const rank = { slow: 0, traffic: 1, profit: 1, star: 2 } as const;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sku: fc.string(),
            unitsSold: fc.nat(50),
            grossMargin: fc.integer({ min: -100, max: 100 }),
          }),
          { minLength: 1 },
        ),
        (input) => {
          const { items } = classifyMatrix(input);
          for (const a of items) {
            expect(a.quadrant).not.toBeNull();
            for (const b of items) {
              if (a.unitsSold >= b.unitsSold && a.grossMargin! >= b.grossMargin!) {
                expect(rank[a.quadrant!]).toBeGreaterThanOrEqual(rank[b.quadrant!]);
              }
            }
          }
        },
      ),
    );
  });
});
