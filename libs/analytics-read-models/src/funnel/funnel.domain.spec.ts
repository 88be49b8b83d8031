import { funnelSteps, ratio } from './funnel.domain';

describe('funnel conversions', () => {
  it('divide by the previous step and by the first step, 4 decimals, null on 0 visitors', () => {
    expect(funnelSteps([3, 2, 1, 1, 0])).toEqual([
      { name: 'visit', visitors: 3, conversionFromPrevious: 1, conversionFromStart: 1 },
      { name: 'product_view', visitors: 2, conversionFromPrevious: 0.6667, conversionFromStart: 0.6667 },
      { name: 'add_to_cart', visitors: 1, conversionFromPrevious: 0.5, conversionFromStart: 0.3333 },
      { name: 'order_placed', visitors: 1, conversionFromPrevious: 1, conversionFromStart: 0.3333 },
      { name: 'order_paid', visitors: 0, conversionFromPrevious: 0, conversionFromStart: 0 },
    ]);
    expect(funnelSteps([0, 0, 0, 0, 0]).map((s) => s.conversionFromStart)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(ratio(1, 8)).toBe(0.125);
  });
});
