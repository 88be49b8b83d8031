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
});
