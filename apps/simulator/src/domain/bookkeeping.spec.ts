import { Bookkeeping, lastPaidDays, salesByDay, sleepingMembers } from './bookkeeping';

describe('bookkeeping', () => {
  it('counts a funnel step only right after the one before it, like analytics', () => {
    const books = new Bookkeeping();
    books.reach('v1', 'visit');
    books.reach('v1', 'product_view');
    books.reach('v1', 'add_to_cart');
    books.reach('v2', 'visit');
    books.reach('v2', 'add_to_cart'); // skipped product_view: not counted
    books.reach('v3', 'product_view'); // no visit: not counted at all
    books.reach('v1', 'product_view'); // again: nothing changes
    expect(books.funnel()).toEqual({
      visit: 2,
      product_view: 1,
      add_to_cart: 1,
      order_placed: 0,
      order_paid: 0,
    });
  });

  it('sums paid orders and refunds per day, days in order', () => {
    const paid = [
      { orderId: 'a', memberId: 'm1', amount: 1000, day: '2026-11-02', source: 'live' as const },
      { orderId: 'b', memberId: 'm2', amount: 500, day: '2026-11-01', source: 'history' as const },
      { orderId: 'c', memberId: 'm1', amount: 250, day: '2026-11-02', source: 'flash' as const },
    ];
    const refunds = [{ orderId: 'a', amount: 300, day: '2026-11-03', source: 'live' as const }];
    expect(salesByDay(paid, refunds)).toEqual([
      { day: '2026-11-01', ordersPaid: 1, gmv: 500, refunds: 0, refundAmount: 0 },
      { day: '2026-11-02', ordersPaid: 2, gmv: 1250, refunds: 0, refundAmount: 0 },
      { day: '2026-11-03', ordersPaid: 0, gmv: 0, refunds: 1, refundAmount: 300 },
    ]);
    expect(lastPaidDays(paid)).toEqual(
      new Map([
        ['m1', '2026-11-02'],
        ['m2', '2026-11-01'],
      ]),
    );
  });

  it('calls a member sleeping when the last paid order is more than 90 days old, not at 90', () => {
    const asOf = '2026-12-01';
    const paid = [
      { orderId: '1', memberId: 'at-90', amount: 1, day: '2026-09-02', source: 'history' as const },
      { orderId: '2', memberId: 'at-91', amount: 1, day: '2026-09-01', source: 'history' as const },
      { orderId: '3', memberId: 'came-back', amount: 1, day: '2026-01-01', source: 'history' as const },
      { orderId: '4', memberId: 'came-back', amount: 1, day: '2026-12-01', source: 'live' as const },
    ];
    expect(sleepingMembers(paid, asOf, 90)).toEqual(['at-91']);
  });

  it('counts per variant the exposed visitors and those a paid order with their variant converted', () => {
    const books = new Bookkeeping();
    books.expose('c1', 'control');
    books.expose('c1', 'control'); // a second batch of the same visitor
    books.expose('c2', 'control');
    books.expose('u1', 'urgency');
    books.expose('u2', 'urgency');
    books.expose('u3', 'urgency');
    books.convert('c1', 'control');
    books.convert('c1', 'control'); // a second paid order converts the visitor once
    books.convert('u1', 'urgency');
    books.convert('u2', 'control'); // another variant than its exposure: converts nobody
    books.convert('never-tracked', 'urgency'); // never exposed: converts nobody
    expect(books.experiment()).toEqual([
      { variant: 'control', visitors: 2, convertedVisitors: 1 },
      { variant: 'urgency', visitors: 3, convertedVisitors: 1 },
    ]);
  });

  it('keeps the variant of the first exposure and lists both variants with none exposed', () => {
    const books = new Bookkeeping();
    expect(books.experiment()).toEqual([
      { variant: 'control', visitors: 0, convertedVisitors: 0 },
      { variant: 'urgency', visitors: 0, convertedVisitors: 0 },
    ]);
    books.expose('v', 'urgency');
    books.expose('v', 'control');
    books.convert('v', 'control');
    expect(books.experiment()).toEqual([
      { variant: 'control', visitors: 0, convertedVisitors: 0 },
      { variant: 'urgency', visitors: 1, convertedVisitors: 0 },
    ]);
  });
});
