import { Bookkeeping } from './bookkeeping';
import { AnalyticsSummary, checkSummary } from './summary-checks';

/** A run of two paid orders (one of a sleeping member), a funnel of one buyer, a sold-out flash SKU. */
function scenario() {
  const books = new Bookkeeping();
  books.recordPaid({ orderId: 'h1', memberId: 'old', amount: 900, day: '2026-07-01', source: 'history' });
  books.recordPaid({ orderId: 'l1', memberId: 'new', amount: 1500, day: '2026-12-01', source: 'live' });
  for (const step of ['visit', 'product_view', 'add_to_cart', 'order_placed', 'order_paid'] as const)
    books.reach('v1', step);
  books.reach('v2', 'visit');
  Object.assign(books.flash, { sku: 'F-1', unitsReceived: 6, confirmedUnits: 6, paidUnits: 6 });
  // The A/B test: v1 (urgency, bought) and v2 (control, did not).
  books.expose('v1', 'urgency');
  books.expose('v2', 'control');
  books.convert('v1', 'urgency');
  const summary: AnalyticsSummary = {
    asOfDay: '2026-12-01',
    rfm: { members: 2, sleeping: 1, segments: [] },
    sleepingMemberIds: ['old'],
    funnel: {
      steps: [2, 1, 1, 1, 1].map((visitors, i) => ({
        name: ['visit', 'product_view', 'add_to_cart', 'order_placed', 'order_paid'][i],
        visitors,
        conversionFromPrevious: null,
        conversionFromStart: null,
      })),
    },
    stockWarnings: { total: 1, byType: { OUT_OF_STOCK: 1 }, flashSkuTypes: ['OUT_OF_STOCK'] },
    sales: [
      { day: '2026-07-01', gmv: 900, ordersPaid: 1, ordersPlaced: 1, refunds: 0, refundAmount: 0 },
      { day: '2026-12-01', gmv: 1500, ordersPaid: 1, ordersPlaced: 1, refunds: 0, refundAmount: 0 },
    ],
    flashStock: { onHand: 6, reserved: 6, available: 0 },
    experiment: {
      key: 'checkout_copy',
      variants: [
        { variant: 'control', visitors: 1, convertedVisitors: 0, conversion: 0 },
        { variant: 'urgency', visitors: 1, convertedVisitors: 1, conversion: 1 },
      ],
      comparisons: [],
    },
  };
  return { books, summary };
}

const failing = (books: Bookkeeping, summary: AnalyticsSummary) =>
  checkSummary(books, summary, 90)
    .filter((c) => !c.ok)
    .map((c) => c.name);

describe('summary checks', () => {
  it('all hold when analytics counted what the simulator did', () => {
    const { books, summary } = scenario();
    expect(failing(books, summary)).toEqual([]);
  });

  it('find a paid order missing from its day, naming the day', () => {
    const { books, summary } = scenario();
    summary.sales[0] = { ...summary.sales[0], gmv: 0, ordersPaid: 0 };
    const gmv = checkSummary(books, summary, 90).find((c) => c.name.startsWith('every paid order'))!;
    expect(gmv.ok).toBe(false);
    expect(gmv.detail).toContain('2026-07-01');
  });

  it('find a funnel that grows from one step to the next', () => {
    const { books, summary } = scenario();
    summary.funnel.steps[2].visitors = 3;
    expect(failing(books, summary)).toContain('the funnel never grows from one step to the next');
  });

  it('find a flash SKU that did not sell out or was oversold', () => {
    const { books, summary } = scenario();
    summary.stockWarnings.flashSkuTypes = [];
    books.flash.confirmedUnits = 7;
    expect(failing(books, summary)).toEqual([
      'the flash-sale SKU sold out',
      'the flash-sale SKU was never oversold',
    ]);
  });

  it('allow units a cancelled flash order gave back to be confirmed again', () => {
    const { books, summary } = scenario();
    Object.assign(books.flash, { confirmedUnits: 8, releasedUnits: 2 });
    expect(failing(books, summary)).toEqual([]);
  });

  it('find sleeping members analytics disagrees about, either way', () => {
    const { books, summary } = scenario();
    summary.sleepingMemberIds = ['new'];
    const sleeping = checkSummary(books, summary, 90).find((c) => c.name.startsWith('sleeping'))!;
    expect(sleeping.ok).toBe(false);
    expect(sleeping.detail).toContain('not sleeping in analytics: old');
    expect(sleeping.detail).toContain('sleeping only in analytics: new');
  });

  it('find an A/B readout that differs from the books by one visitor or one conversion, naming the variant', () => {
    const experimentCheck = (summary: AnalyticsSummary, books: Bookkeeping) =>
      checkSummary(books, summary, 90).find((c) => c.name.startsWith('the checkout_copy readout'))!;
    const held = scenario();
    expect(experimentCheck(held.summary, held.books)).toMatchObject({
      ok: true,
      detail:
        'control: simulator 1 visitors / 0 converted, analytics 1 visitors / 0 converted; ' +
        'urgency: simulator 1 visitors / 1 converted, analytics 1 visitors / 1 converted',
    });

    const moreVisitors = scenario();
    moreVisitors.summary.experiment.variants[0].visitors = 2;
    expect(experimentCheck(moreVisitors.summary, moreVisitors.books)).toEqual({
      name: 'the checkout_copy readout counts the visitors and conversions the simulator drove, per variant',
      ok: false,
      detail: 'control: simulator 1 visitors / 0 converted, analytics 2 visitors / 0 converted',
    });

    const lostConversion = scenario();
    lostConversion.summary.experiment.variants[1].convertedVisitors = 0;
    expect(experimentCheck(lostConversion.summary, lostConversion.books)).toMatchObject({
      ok: false,
      detail: 'urgency: simulator 1 visitors / 1 converted, analytics 1 visitors / 0 converted',
    });
  });

  it('find an A/B readout analytics does not have (404), or with a variant the simulator never drove', () => {
    const missing = scenario();
    missing.summary.experiment.variants = [];
    expect(failing(missing.books, missing.summary)).toEqual([
      'the checkout_copy readout counts the visitors and conversions the simulator drove, per variant',
    ]);

    const extra = scenario();
    extra.summary.experiment.variants.push({
      variant: 'scarcity',
      visitors: 1,
      convertedVisitors: 0,
      conversion: 0,
    });
    const check = checkSummary(extra.books, extra.summary, 90).find((c) =>
      c.name.startsWith('the checkout_copy readout'),
    )!;
    expect(check.ok).toBe(false);
    expect(check.detail).toBe(
      'scarcity: simulator 0 visitors / 0 converted, analytics 1 visitors / 0 converted',
    );
  });
});
