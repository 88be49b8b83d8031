import { decomposeGmv } from './gmv';

const totals = (uv: number, payingVisitors: number, ordersPaid: number, gmv: number) => ({
  uv,
  payingVisitors,
  ordersPaid,
  gmv,
});

describe('GMV decomposition', () => {
  it('splits the GMV change into contributions that add up to it exactly', () => {
    // 100 visitors, 10 buyers, 10 orders of 100.00 -> 200 visitors, 30 buyers, 33 orders of 110.00
    const result = decomposeGmv(totals(100, 10, 10, 100_000), totals(200, 30, 33, 363_000));
    expect(result.change).toBeCloseTo(2.63, 10);
    const sum = result.factors.reduce((s, f) => s + f.contribution!, 0);
    expect(sum).toBeCloseTo(363_000 - 100_000, 6);
    const byFactor = Object.fromEntries(result.factors.map((f) => [f.factor, f]));
    expect(byFactor.uv.change).toBeCloseTo(1, 10);
    expect(byFactor.conversion.current).toBeCloseTo(0.15, 10);
    expect(byFactor.conversion.change).toBeCloseTo(0.5, 10);
    expect(byFactor.ordersPerBuyer.change).toBeCloseTo(0.1, 10);
    expect(byFactor.aov.previous).toBe(10_000);
    expect(byFactor.aov.change).toBeCloseTo(0.1, 10);
    // ln 2 > ln 1.5 > ln 1.1: doubling the visitors moved GMV most.
    expect(result.mainDriver).toBe('uv');
  });

  it('names conversion when only conversion moved', () => {
    const result = decomposeGmv(totals(100, 10, 10, 100_000), totals(100, 12, 12, 120_000));
    expect(result.mainDriver).toBe('conversion');
    expect(result.factors.find((f) => f.factor === 'conversion')!.contribution).toBeCloseTo(20_000, 6);
  });

  it('cannot split a change from or to a period without sales or visitors, but still says what moved', () => {
    const fromNothing = decomposeGmv(totals(0, 0, 0, 0), totals(50, 5, 5, 50_000));
    expect(fromNothing.change).toBeNull();
    expect(fromNothing.mainDriver).toBeNull();
    expect(fromNothing.factors.every((f) => f.contribution === null)).toBe(true);

    // Paid orders without any tracked visitor (imported history only): the identity does not hold.
    const importedOnly = decomposeGmv(totals(0, 0, 3, 30_000), totals(10, 1, 4, 40_000));
    expect(importedOnly.change).toBeCloseTo(1 / 3, 10);
    expect(importedOnly.mainDriver).toBeNull();
    expect(importedOnly.factors.find((f) => f.factor === 'aov')!.change).toBeCloseTo(0, 10);
  });

  it('names no driver when GMV did not change', () => {
    const result = decomposeGmv(totals(100, 10, 10, 100_000), totals(200, 10, 10, 100_000));
    expect(result.change).toBe(0);
    expect(result.mainDriver).toBeNull();
  });
});
