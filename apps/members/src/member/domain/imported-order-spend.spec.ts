import { ImportedOrder, importedOrderSpend } from './imported-order-spend';

const order = (overrides: Partial<ImportedOrder> = {}): ImportedOrder => ({
  orderId: 'o-1',
  sourceOrderId: 'SO-1',
  memberId: 'c1',
  customerRef: 'C-77',
  channel: 'web',
  placedAt: '2026-01-10T02:00:00.000Z',
  paidAt: '2026-01-10T02:05:00.000Z',
  lines: [{ sku: 'A', quantity: 2, unitPrice: 30_000, lineTotal: 60_000 }],
  total: 60_000,
  currency: 'CNY',
  refunds: [],
  status: 'COMPLETED',
  ...overrides,
});

describe('importedOrderSpend', () => {
  it('records the total as paid at paidAt and each refund at its own date, with ids derived from the order', () => {
    const entries = importedOrderSpend(
      order({
        refunds: [
          { amount: 5_000, refundedAt: '2026-01-20T00:00:00.000Z', reason: 'size' },
          { amount: 1_000, refundedAt: '2026-02-01T00:00:00.000Z', reason: null },
        ],
      }),
    );
    expect(entries).toEqual([
      { type: 'PAYMENT', entryId: 'o-1', amount: 60_000, occurredAt: '2026-01-10T02:05:00.000Z' },
      { type: 'REFUND', entryId: 'o-1#refund-1', amount: 5_000, occurredAt: '2026-01-20T00:00:00.000Z' },
      { type: 'REFUND', entryId: 'o-1#refund-2', amount: 1_000, occurredAt: '2026-02-01T00:00:00.000Z' },
    ]);
    // Same order, same entry ids: a second import of it is recognised by the ledger.
    expect(importedOrderSpend(order()).map((e) => e.entryId)).toEqual(['o-1']);
  });

  it('adds nothing for an order never paid, even with refunds listed', () => {
    expect(
      importedOrderSpend(
        order({
          paidAt: null,
          status: 'CANCELLED',
          refunds: [{ amount: 5_000, refundedAt: '2026-01-20T00:00:00.000Z', reason: null }],
        }),
      ),
    ).toEqual([]);
  });
});
