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
    };
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
  });
});
