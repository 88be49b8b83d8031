import type { EnvelopeOf } from '@ecom/contracts';
import { cst, EventFactory } from '../test/event-factory';
import { importedOrderFacts } from './imported-order-facts';

type ImportedData = EnvelopeOf<'OrderImported'>['data'];

function imported(overrides: Partial<ImportedData> = {}): EnvelopeOf<'OrderImported'> {
  const data: ImportedData = {
    orderId: 'io-1',
    sourceOrderId: 'SO-1',
    memberId: 'M8',
    customerRef: 'C-8',
    channel: 'web',
    // 23:50 and 00:10 Shanghai time: placed and paid on different days there (both 2025-09-30 in UTC).
    placedAt: cst('2025-09-30 23:50'),
    paidAt: cst('2025-10-01 00:10'),
    lines: [
      { sku: 'A', quantity: 2, unitPrice: 10000, lineTotal: 20000 },
      { sku: 'B', quantity: 1, unitPrice: 5000, lineTotal: 5000 },
    ],
    total: 25000,
    currency: 'CNY',
    refunds: [
      { amount: 5000, refundedAt: cst('2025-10-05 10:00'), reason: 'damaged' },
      { amount: 1000, refundedAt: cst('2025-10-07 23:59'), reason: null },
    ],
    status: 'COMPLETED',
    ...overrides,
  };
  return new EventFactory().make('OrderImported', data, data.placedAt) as EnvelopeOf<'OrderImported'>;
}

describe('importedOrderFacts', () => {
  it('dates the order by its own history in the analytics time zone: placed, paid and each refund on its day', () => {
    expect(importedOrderFacts(imported(), 'Asia/Shanghai')).toEqual({
      placed: {
        orderId: 'io-1',
        memberId: 'M8',
        channel: 'web',
        placedAt: cst('2025-09-30 23:50'),
        day: '2025-09-30',
        total: 25000,
        currency: 'CNY',
      },
      lines: [
        { sku: 'A', quantity: 2, unitPrice: 10000, lineTotal: 20000 },
        { sku: 'B', quantity: 1, unitPrice: 5000, lineTotal: 5000 },
      ],
      paid: { paidAt: cst('2025-10-01 00:10'), day: '2025-10-01', amount: 25000 },
      refunds: [
        { refundId: 'io-1#refund-1', amount: 5000, issuedAt: cst('2025-10-05 10:00'), day: '2025-10-05' },
        { refundId: 'io-1#refund-2', amount: 1000, issuedAt: cst('2025-10-07 23:59'), day: '2025-10-07' },
      ],
    });
    // Days follow ANALYTICS_TZ: in UTC the order was placed and paid on 09-30.
    const utc = importedOrderFacts(imported(), 'UTC');
    expect([utc.placed.day, utc.paid?.day, utc.refunds.map((r) => r.day)]).toEqual([
      '2025-09-30',
      '2025-09-30',
      ['2025-10-05', '2025-10-07'],
    ]);
  });

  it('counts an order never paid as placed only, without refunds', () => {
    const facts = importedOrderFacts(imported({ paidAt: null, status: 'CANCELLED' }), 'Asia/Shanghai');
    expect(facts.placed.day).toBe('2025-09-30');
    expect(facts.lines).toHaveLength(2);
    expect(facts.paid).toBeNull();
    expect(facts.refunds).toEqual([]);
  });

  it('derives the same refund ids from the same order, whatever event carries it', () => {
    const ids = (event: EnvelopeOf<'OrderImported'>) =>
      importedOrderFacts(event, 'Asia/Shanghai').refunds.map((r) => r.refundId);
    const first = imported();
    const again = imported();
    expect(again.id).not.toBe(first.id);
    expect(ids(again)).toEqual(ids(first));
  });
});
