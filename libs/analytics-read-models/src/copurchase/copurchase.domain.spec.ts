import fc from 'fast-check';
import {
  applyBasket,
  basketOf,
  comparePairs,
  comparePartners,
  copurchaseMeasures,
  countBaskets,
  emptyCounts,
  pairKey,
  pairOfKey,
  pairsOf,
} from './copurchase.domain';

/** Fixed seed: a failure reproduces on every run. */
const RUNS = { seed: 20261202, numRuns: 200 };

/**
 * The golden basket set (hand-computed below): five counted orders.
 *   o1 {A,B,C}  o2 {A,B}  o3 {A,C}  o4 {B,D}  o5 {A,B,D}
 * N = 5; orders with A 4, B 4, C 2, D 2; together AB 3, AC 2, AD 1, BC 1, BD 2, CD 0.
 */
const GOLDEN = [
  ['A', 'B', 'C'],
  ['B', 'A'],
  ['C', 'A'],
  ['D', 'B'],
  ['A', 'D', 'B'],
];

describe('co-purchase baskets and pairs', () => {
  it('a basket is the distinct SKUs of the lines, in code-point order', () => {
    expect(basketOf(['b', 'B', 'a', 'b', 'A-1', 'A'])).toEqual(['A', 'A-1', 'B', 'a', 'b']);
  });

  it('k distinct SKUs give k(k-1)/2 pairs, each once with skuA < skuB', () => {
    expect(pairsOf(['C', 'A', 'B', 'A'])).toEqual([
      { skuA: 'A', skuB: 'B' },
      { skuA: 'A', skuB: 'C' },
      { skuA: 'B', skuB: 'C' },
    ]);
    expect(pairsOf(['A'])).toEqual([]);
    expect(pairsOf(Array.from({ length: 10 }, (_, i) => `S${i}`))).toHaveLength(45);
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 15 }), (skus) => {
        const k = new Set(skus).size;
        const pairs = pairsOf(skus);
        expect(pairs).toHaveLength((k * (k - 1)) / 2);
        expect(new Set(pairs.map(pairKey)).size).toBe(pairs.length);
        for (const p of pairs) {
          expect(p.skuA < p.skuB).toBe(true);
          expect(pairOfKey(pairKey(p))).toEqual(p);
        }
      }),
      RUNS,
    );
  });

  it('counts the golden baskets as computed by hand', () => {
    const counts = countBaskets(GOLDEN);
    expect(counts.orders).toBe(5);
    expect(Object.fromEntries(counts.skus)).toEqual({ A: 4, B: 4, C: 2, D: 2 });
    expect(Object.fromEntries([...counts.pairs].map(([k, n]) => [k.replace('\u0000', ''), n]))).toEqual({
      AB: 3,
      AC: 2,
      AD: 1,
      BC: 1,
      BD: 2,
    });
  });

  it('an order added then taken away (refunded in full) leaves no trace, not even zero counts', () => {
    const counts = countBaskets(GOLDEN);
    applyBasket(counts, ['C', 'D', 'E'], 1);
    expect(counts.pairs.get(pairKey({ skuA: 'C', skuB: 'D' }))).toBe(1);
    applyBasket(counts, ['E', 'D', 'C'], -1);
    expect(counts).toEqual(countBaskets(GOLDEN));
    expect(counts.skus.has('E')).toBe(false);
  });

  it('adding and taking away baskets in any order gives the counts of the baskets left', () => {
    const sku = fc.constantFrom('A', 'B', 'C', 'D', 'E');
    const order = fc.record({
      basket: fc.array(sku, { minLength: 1, maxLength: 5 }),
      refunded: fc.boolean(),
      at: fc.tuple(fc.nat(), fc.nat()),
    });
    fc.assert(
      fc.property(fc.array(order, { maxLength: 20 }), (orders) => {
        // Each order is added at one random time and, when refunded, taken away at a later one.
        const steps = orders.flatMap((o, i) => {
          const [first, second] = [...o.at].sort((a, b) => a - b);
          return [
            { i, sign: 1 as const, t: first },
            ...(o.refunded ? [{ i, sign: -1 as const, t: second + 0.5 }] : []),
          ];
        });
        steps.sort((a, b) => a.t - b.t);
        const counts = emptyCounts();
        for (const s of steps) applyBasket(counts, orders[s.i].basket, s.sign);
        expect(counts).toEqual(countBaskets(orders.filter((o) => !o.refunded).map((o) => o.basket)));
      }),
      RUNS,
    );
  });
});

describe('co-purchase measures', () => {
  it('support, confidence and lift of the golden pairs, by hand', () => {
    // AB: 3 of 5 orders; 3 of A's 4 have B; lift = 0.75 / (4/5) = 15/16.
    expect(copurchaseMeasures(3, 4, 4, 5)).toEqual({
      orders: 3,
      support: 0.6,
      confidence: 0.75,
      lift: 0.9375,
    });
    // A->C: 2 of A's 4 have C (0.5), C->A: both of C's 2 have A (1); lift = 2 x 5 / (4 x 2) = 1.25 both ways.
    expect(copurchaseMeasures(2, 4, 2, 5)).toEqual({ orders: 2, support: 0.4, confidence: 0.5, lift: 1.25 });
    expect(copurchaseMeasures(2, 2, 4, 5)).toEqual({ orders: 2, support: 0.4, confidence: 1, lift: 1.25 });
    // BC and AD: 1 x 5 / (4 x 2) = 0.625.
    expect(copurchaseMeasures(1, 4, 2, 5)).toEqual({
      orders: 1,
      support: 0.2,
      confidence: 0.25,
      lift: 0.625,
    });
    // Never bought together: all 0.
    expect(copurchaseMeasures(0, 2, 2, 5)).toEqual({ orders: 0, support: 0, confidence: 0, lift: 0 });
  });

  it('refuse counts that cannot come from the same orders', () => {
    expect(() => copurchaseMeasures(3, 2, 4, 5)).toThrow(/inconsistent/);
    expect(() => copurchaseMeasures(1, 6, 4, 5)).toThrow(/inconsistent/);
  });

  it('lift is the same both ways and equals confidence / support(B); support and confidence lie in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom('A', 'B', 'C'), { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 30,
        }),
        (baskets) => {
          const counts = countBaskets(baskets);
          const a = counts.skus.get('A') ?? 0;
          const b = counts.skus.get('B') ?? 0;
          const both = counts.pairs.get(pairKey({ skuA: 'A', skuB: 'B' })) ?? 0;
          fc.pre(both > 0);
          const ab = copurchaseMeasures(both, a, b, counts.orders);
          const ba = copurchaseMeasures(both, b, a, counts.orders);
          expect(ab.lift).toBe(ba.lift);
          expect(ab.lift).toBeCloseTo(ab.confidence / (b / counts.orders), 12);
          expect(ab.support).toBe(ba.support);
          for (const v of [ab.support, ab.confidence, ba.confidence]) {
            expect(v).toBeGreaterThan(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('co-purchase ranking', () => {
  it("ranks A's golden partners by lift: C (1.25), B (0.9375), D (0.625)", () => {
    const partners = [
      { sku: 'B', orders: 3, partnerOrders: 4 },
      { sku: 'D', orders: 1, partnerOrders: 2 },
      { sku: 'C', orders: 2, partnerOrders: 2 },
    ];
    expect(partners.sort(comparePartners).map((p) => p.sku)).toEqual(['C', 'B', 'D']);
  });

  it('at equal lift, more orders together first, then by SKU', () => {
    // 2/4 and 1/2: the same lift; 2 orders together first. Then equal everything: by SKU.
    const ranked = [
      { sku: 'Z', orders: 1, partnerOrders: 2 },
      { sku: 'Y', orders: 2, partnerOrders: 4 },
      { sku: 'X', orders: 1, partnerOrders: 2 },
    ].sort(comparePartners);
    expect(ranked.map((p) => p.sku)).toEqual(['Y', 'X', 'Z']);
  });

  it('ranks the golden pairs overall: AC and BD (1.25, by SKU), AB (0.9375), AD and BC (0.625)', () => {
    const n = { A: 4, B: 4, C: 2, D: 2 } as Record<string, number>;
    const pairs = Object.entries({ AB: 3, AC: 2, AD: 1, BC: 1, BD: 2 }).map(([k, orders]) => ({
      skuA: k[0],
      skuB: k[1],
      orders,
      ordersA: n[k[0]],
      ordersB: n[k[1]],
    }));
    expect(pairs.sort(comparePairs).map((p) => p.skuA + p.skuB)).toEqual(['AC', 'BD', 'AB', 'AD', 'BC']);
  });

  it('compares lift on exact integer cross-products, beyond 2^53 too', () => {
    // 3 / (5 x 7) = 0.0857 > 2 / (4 x 6) = 0.0833.
    const a = { skuA: 'C', skuB: 'D', orders: 3, ordersA: 5, ordersB: 7 };
    const b = { skuA: 'A', skuB: 'B', orders: 2, ordersA: 4, ordersB: 6 };
    expect([b, a].sort(comparePairs).map((p) => p.skuA)).toEqual(['C', 'A']);
    // Cross-products ~ 1e27: 1e9 / (1e9+1)^2 just above (1e9-1) / (1e9 x (1e9+1)).
    const high = { skuA: 'Y', skuB: 'Z', orders: 1e9, ordersA: 1e9 + 1, ordersB: 1e9 + 1 };
    const low = { skuA: 'A', skuB: 'B', orders: 1e9 - 1, ordersA: 1e9, ordersB: 1e9 + 1 };
    expect([low, high].sort(comparePairs).map((p) => p.skuA)).toEqual(['Y', 'A']);
  });
});
