import { Bookkeeping } from '../domain/bookkeeping';
import type { AnalyticsSummary } from '../domain/summary-checks';
import { money, renderSummary } from './render-summary';

describe('summary text', () => {
  it('writes money in major units with two decimals', () => {
    expect(money(123456)).toBe('1,234.56');
    expect(money(5)).toBe('0.05');
    expect(money(-1999)).toBe('-19.99');
  });

  it('shows analytics next to the bookkeeping, earlier days summed, and every check', () => {
    const books = new Bookkeeping();
    books.flash.sku = 'F-1';
    const sales: AnalyticsSummary['sales'] = [];
    for (let d = 1; d <= 20; d++) {
      const day = `2026-11-${String(d).padStart(2, '0')}`;
      books.recordPaid({ orderId: `o${d}`, memberId: 'm', amount: 1000, day, source: 'history' });
      sales.push({ day, gmv: 1000, ordersPaid: 1, ordersPlaced: 1, refunds: 0, refundAmount: 0 });
    }
    const summary: AnalyticsSummary = {
      asOfDay: '2026-11-20',
      rfm: {
        members: 1,
        sleeping: 0,
        segments: [
          { segment: 'Champions', members: 1 },
          { segment: 'At Risk', members: 0 },
        ],
      },
      sleepingMemberIds: [],
      funnel: { steps: [{ name: 'visit', visitors: 3, conversionFromPrevious: 1, conversionFromStart: 1 }] },
      stockWarnings: { total: 1, byType: { OUT_OF_STOCK: 1 }, flashSkuTypes: ['OUT_OF_STOCK'] },
      sales,
      flashStock: { onHand: 0, reserved: 0, available: 0 },
      experiment: {
        key: 'checkout_copy',
        variants: [
          { variant: 'control', visitors: 1000, convertedVisitors: 200, conversion: 0.2 },
          { variant: 'urgency', visitors: 1000, convertedVisitors: 250, conversion: 0.25 },
        ],
        comparisons: [
          {
            variant: 'urgency',
            control: 'control',
            absoluteDifference: 0.05,
            relativeDifference: 0.25,
            pValue: 0.00742,
            significant: true,
            sampleTooSmall: false,
            sampleTooSmallReasons: [],
          },
        ],
      },
    };
    for (let i = 0; i < 1000; i++) books.expose(`c${i}`, 'control');
    for (let i = 0; i < 999; i++) books.expose(`u${i}`, 'urgency');
    for (let i = 0; i < 200; i++) books.convert(`c${i}`, 'control');
    for (let i = 0; i < 250; i++) books.convert(`u${i}`, 'urgency');
    const text = renderSummary(
      books,
      summary,
      [{ name: 'a check', ok: false, detail: 'why' }],
      'Asia/Shanghai',
    );
    expect(text).toContain('Champions 1 (1 members scored)');
    expect(text).not.toContain('At Risk');
    expect(text).toContain('OUT_OF_STOCK 1');
    expect(text).toMatch(/6 earlier\s+60\.00 \(\s+6\)\s+60\.00 \(\s+6\)/);
    expect(text).toMatch(/2026-11-20\s+10\.00 \(\s+1\)\s+10\.00 \(\s+1\)/);
    expect(text).toMatch(/total\s+200\.00 \(\s+20\)/);
    expect(text).toContain('FAIL  a check: why');
    expect(text).toMatch(/A\/B checkout_copy\s+analytics \| simulator/);
    expect(text).toMatch(/control\s+1000 visitors, 200 converted \(20\.0%\) \| 1000 visitors, 200 converted/);
    expect(text).toMatch(/urgency\s+1000 visitors, 250 converted \(25\.0%\) \| 999 visitors, 250 converted/);
    expect(text).toContain('urgency vs control: +5.0 points (+25.0%), p-value 0.0074, significant');
  });

  it('says when the A/B sample is too small, and when analytics has no readout', () => {
    const books = new Bookkeeping();
    books.expose('v1', 'control');
    const summary: AnalyticsSummary = {
      asOfDay: '2026-11-20',
      rfm: { members: 0, sleeping: 0, segments: [] },
      sleepingMemberIds: [],
      funnel: { steps: [] },
      stockWarnings: { total: 0, byType: {}, flashSkuTypes: [] },
      sales: [],
      flashStock: { onHand: 0, reserved: 0, available: 0 },
      experiment: {
        key: 'checkout_copy',
        variants: [
          { variant: 'control', visitors: 40, convertedVisitors: 10, conversion: 0.25 },
          { variant: 'urgency', visitors: 42, convertedVisitors: 7, conversion: 1 / 6 },
        ],
        comparisons: [
          {
            variant: 'urgency',
            control: 'control',
            absoluteDifference: 1 / 6 - 0.25,
            relativeDifference: -1 / 3,
            pValue: 0.35,
            significant: false,
            sampleTooSmall: true,
            sampleTooSmallReasons: [
              'control: 40 visitors, fewer than 100',
              'urgency: 42 visitors, fewer than 100',
            ],
          },
        ],
      },
    };
    const small = renderSummary(books, summary, [], 'Asia/Shanghai');
    expect(small).toContain(
      'urgency vs control: -8.3 points (-33.3%), p-value 0.3500, sample too small ' +
        '(control: 40 visitors, fewer than 100; urgency: 42 visitors, fewer than 100)',
    );
    const none = renderSummary(
      books,
      { ...summary, experiment: { key: 'checkout_copy', variants: [], comparisons: [] } },
      [],
      'Asia/Shanghai',
    );
    expect(none).toContain('A/B checkout_copy analytics has no visitor of it');
    expect(none).toMatch(/control\s+- \| 1 visitors, 0 converted/);
    expect(none).not.toContain(' vs control');
  });
});
