import fc from 'fast-check';
import {
  chooseControl,
  compareVariants,
  differenceInterval,
  experimentReadout,
  normalCdf,
  sampleRuleBreaches,
  twoProportionZTest,
  twoSidedPValue,
  VariantCounts,
  variantReadout,
} from './experiments.domain';

/** Fixed seed: a failure reproduces on every run. */
const RUNS = { seed: 20261202, numRuns: 300 };

const counts = (
  variant: string,
  visitors: number,
  convertedVisitors: number,
  paidOrders = convertedVisitors,
  revenue = 0,
): VariantCounts => ({ variant, visitors, convertedVisitors, paidOrders, revenue });

describe('the standard normal distribution', () => {
  it('matches the printed table to 7 decimals', () => {
    // Values of Phi from a standard normal table (Abramowitz & Stegun 26.2).
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 7);
    expect(normalCdf(3)).toBeCloseTo(0.9986501, 7);
    expect(normalCdf(1.644854)).toBeCloseTo(0.95, 7);
    // In the far tail the relative error stays small: Phi(-5) = 2.8665157e-7.
    expect(Math.abs(normalCdf(-5) / 2.8665157e-7 - 1)).toBeLessThan(1e-6);
  });

  it('gives p = 0.05 at z = 1.959964 and p = 1 at z = 0, on both sides', () => {
    expect(twoSidedPValue(1.959964)).toBeCloseTo(0.05, 7);
    expect(twoSidedPValue(-1.959964)).toBeCloseTo(0.05, 7);
    expect(twoSidedPValue(0)).toBeCloseTo(1, 7);
  });

  it('is symmetric and increasing', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.001, max: 2, noNaN: true }),
        (x, d) => {
          expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 7);
          expect(normalCdf(x + d)).toBeGreaterThan(normalCdf(x));
        },
      ),
      RUNS,
    );
  });
});

describe('the two-proportion z-test (textbook example)', () => {
  // Control 200 of 1000 convert (0.20), the variant 250 of 1000 (0.25). Worked by hand:
  //   pooled p = 450 / 2000 = 0.225
  //   SE (pooled) = sqrt(0.225 x 0.775 x (1/1000 + 1/1000)) = sqrt(0.00034875) = 0.0186748
  //   z = (0.25 - 0.20) / 0.0186748 = 2.6774
  //   p = 2 x (1 - Phi(2.6774)) = 2 x 0.003710 = 0.00742 (table: 1 - Phi(2.67) = 0.003793, 1 - Phi(2.68) = 0.003681)
  // 95% Wald interval of the difference, unpooled:
  //   SE = sqrt(0.2 x 0.8 / 1000 + 0.25 x 0.75 / 1000) = sqrt(0.0003475) = 0.0186414
  //   0.05 -+ 1.959964 x 0.0186414 = 0.05 -+ 0.0365364 = [0.0134636, 0.0865364]
  it('computes the pooled proportion, standard error, z and two-sided p', () => {
    const test = twoProportionZTest(200, 1000, 250, 1000);
    expect(test.difference).toBeCloseTo(0.05, 12);
    expect(test.pooled).toBeCloseTo(0.225, 12);
    expect(test.standardError).toBeCloseTo(0.0186748, 7);
    expect(test.z).toBeCloseTo(2.6774, 4);
    expect(test.pValue).toBeCloseTo(0.00742, 5);
  });

  it('bounds the difference with the unpooled Wald interval', () => {
    const ci = differenceInterval(200, 1000, 250, 1000);
    expect(ci.level).toBe(0.95);
    expect(ci.lower).toBeCloseTo(0.0134636, 7);
    expect(ci.upper).toBeCloseTo(0.0865364, 7);
  });

  it('reads out the variants and the comparison', () => {
    // Revenue: control 200 paid orders for 2,000,000 (AOV 10000, 2000 per visitor);
    // B 260 paid orders (some visitors paid twice) for 2,860,000 (AOV 11000, 2860 per visitor).
    const readout = experimentReadout(
      [counts('B', 1000, 250, 260, 2_860_000), counts('control', 1000, 200, 200, 2_000_000)],
      'control',
    );
    expect(readout.variants).toEqual([
      {
        variant: 'B',
        visitors: 1000,
        convertedVisitors: 250,
        paidOrders: 260,
        revenue: 2_860_000,
        conversion: 0.25,
        averageOrderValue: 11000,
        revenuePerVisitor: 2860,
      },
      {
        variant: 'control',
        visitors: 1000,
        convertedVisitors: 200,
        paidOrders: 200,
        revenue: 2_000_000,
        conversion: 0.2,
        averageOrderValue: 10000,
        revenuePerVisitor: 2000,
      },
    ]);
    expect(readout.comparisons).toHaveLength(1);
    const [b] = readout.comparisons;
    expect(b).toMatchObject({
      variant: 'B',
      control: 'control',
      significant: true,
      sampleTooSmall: false,
      sampleTooSmallReasons: [],
    });
    expect(b.absoluteDifference).toBeCloseTo(0.05, 12);
    expect(b.relativeDifference).toBeCloseTo(0.25, 12); // 0.05 / 0.20
    expect(b.z).toBeCloseTo(2.6774, 4);
    expect(b.pValue).toBeCloseTo(0.00742, 5);
    expect(b.confidenceLevel).toBe(0.95);
    expect(b.confidenceLower).toBeCloseTo(0.0134636, 7);
    expect(b.confidenceUpper).toBeCloseTo(0.0865364, 7);
  });

  it('is not significant when p >= 0.05: 200/1000 against 220/1000', () => {
    // pooled 0.21, SE = sqrt(0.21 x 0.79 x 0.002) = 0.018216, z = 0.02 / 0.018216 = 1.0980, p = 0.2722
    const b = compareVariants(counts('A', 1000, 200), counts('B', 1000, 220));
    expect(b.z).toBeCloseTo(1.098, 3);
    expect(b.pValue).toBeCloseTo(0.2722, 4);
    expect(b.significant).toBe(false);
    // The interval straddles 0: 0.02 -+ 1.959964 x sqrt(0.16/1000 + 0.1716/1000) = 0.02 -+ 0.035693
    expect(b.confidenceLower).toBeCloseTo(-0.015693, 5);
    expect(b.confidenceUpper).toBeCloseTo(0.055693, 5);
  });

  it('is antisymmetric: swapping the samples negates z and keeps p', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n1, n2, r1, r2) => {
          const x1 = Math.round(r1 * n1);
          const x2 = Math.round(r2 * n2);
          const ab = twoProportionZTest(x1, n1, x2, n2);
          const ba = twoProportionZTest(x2, n2, x1, n1);
          if (ab.z === null) {
            expect(ba.z).toBeNull();
            return;
          }
          expect(ba.z).toBeCloseTo(-ab.z, 9);
          expect(ba.pValue).toBeCloseTo(ab.pValue!, 9);
          expect(ab.pValue).toBeGreaterThanOrEqual(0);
          expect(ab.pValue).toBeLessThanOrEqual(1);
          const ci = differenceInterval(x1, n1, x2, n2);
          expect(ci.lower).toBeLessThanOrEqual(ab.difference + 1e-12);
          expect(ci.upper).toBeGreaterThanOrEqual(ab.difference - 1e-12);
        },
      ),
      RUNS,
    );
  });

  it('has no z when nobody (or everybody) converted', () => {
    expect(twoProportionZTest(0, 100, 0, 100)).toMatchObject({ standardError: null, z: null, pValue: null });
    expect(twoProportionZTest(100, 100, 50, 50).z).toBeNull();
    expect(() => twoProportionZTest(0, 0, 1, 10)).toThrow(RangeError);
  });
});

describe('the sample rule', () => {
  it('wants 100 visitors, 5 conversions and 5 non-conversions in each variant', () => {
    expect(sampleRuleBreaches(counts('A', 100, 5))).toEqual([]);
    expect(sampleRuleBreaches(counts('A', 100, 95))).toEqual([]);
    expect(sampleRuleBreaches(counts('A', 99, 50))).toEqual(['A: 99 visitors, fewer than 100']);
    expect(sampleRuleBreaches(counts('A', 100, 4))).toEqual(['A: 4 conversions, fewer than 5']);
    expect(sampleRuleBreaches(counts('A', 100, 96))).toEqual(['A: 4 non-conversions, fewer than 5']);
    expect(sampleRuleBreaches(counts('A', 3, 0))).toEqual([
      'A: 3 visitors, fewer than 100',
      'A: 0 conversions, fewer than 5',
      'A: 3 non-conversions, fewer than 5',
    ]);
  });

  it('marks a comparison too small when either side breaks it, and then never significant', () => {
    // 5/99 against 40/100: z is large (p < 0.0001) but the control has 99 visitors.
    const c = compareVariants(counts('control', 99, 5), counts('B', 100, 40));
    expect(c.pValue!).toBeLessThan(0.0001);
    expect(c).toMatchObject({
      sampleTooSmall: true,
      sampleTooSmallReasons: ['control: 99 visitors, fewer than 100'],
      significant: false,
    });
  });

  it('compares nothing with a variant that has no visitors', () => {
    const c = compareVariants(counts('control', 0, 0), counts('B', 100, 40));
    expect(c).toMatchObject({
      absoluteDifference: null,
      relativeDifference: null,
      confidenceLower: null,
      confidenceUpper: null,
      z: null,
      pValue: null,
      significant: false,
      sampleTooSmall: true,
    });
    expect(variantReadout(counts('control', 0, 0))).toMatchObject({
      conversion: null,
      averageOrderValue: null,
      revenuePerVisitor: null,
    });
  });
});

describe('the control and the assignment field', () => {
  it('is the one asked for, else "control", else the first variant', () => {
    expect(chooseControl(['b', 'control', 'a'])).toBe('control');
    expect(chooseControl(['b', 'a'])).toBe('a');
    expect(chooseControl(['b', 'a'], 'b')).toBe('b');
    expect(chooseControl(['b', 'a'], 'z')).toBeUndefined();
    expect(chooseControl([])).toBeUndefined();
    expect(() => experimentReadout([counts('a', 1, 0)], 'b')).toThrow(RangeError);
  });
});
