import { BusinessRuleError, IllegalTransitionError, InvalidCommandError } from '@ecom/event-sourcing/domain';
import { evolveOrder, INITIAL_ORDER_STATE, OrderEvent, OrderState } from './order.aggregate';
import { CommandOf, decideOrder, importOrder, OrderCommand } from './order.decisions';

const fold = (state: OrderState, events: OrderEvent[]) => events.reduce(evolveOrder, state);

const paid: CommandOf<'import'> = {
  kind: 'import',
  orderId: 'o-imp',
  sourceOrderId: 'SHOP-1001',
  memberId: 'm-imp',
  customerRef: 'cust-42',
  channel: 'mini_program',
  placedAt: '2024-03-01T10:00:00.000Z',
  paidAt: '2024-03-01T10:05:00.000Z',
  currency: 'CNY',
  lines: [
    { sku: 'TEE-S', quantity: 2, unitPrice: 1999, lineTotal: 3998 },
    { sku: 'CAP', quantity: 1, unitPrice: 500, lineTotal: 500 },
  ],
  refunds: [{ amount: 500, refundedAt: '2024-03-09T09:00:00.000Z', reason: 'CAP returned' }],
};

describe('importing a past order (pure)', () => {
  it('brings a paid order in as COMPLETED with its payment, total and refunds', () => {
    const events = importOrder(INITIAL_ORDER_STATE, paid);
    expect(events).toEqual([
      {
        type: 'OrderImported',
        data: {
          orderId: 'o-imp',
          sourceOrderId: 'SHOP-1001',
          memberId: 'm-imp',
          customerRef: 'cust-42',
          channel: 'mini_program',
          placedAt: '2024-03-01T10:00:00.000Z',
          paidAt: '2024-03-01T10:05:00.000Z',
          lines: paid.lines,
          total: 4498,
          currency: 'CNY',
          refunds: paid.refunds,
          status: 'COMPLETED',
        },
      },
    ]);
    const state = fold(INITIAL_ORDER_STATE, events);
    expect(state).toMatchObject({
      status: 'COMPLETED',
      memberId: 'm-imp',
      visitorId: 'm-imp',
      total: 4498,
      refunded: 500,
      payment: { paymentId: 'import:SHOP-1001', amount: 4498, method: 'imported' },
      sourceOrderId: 'SHOP-1001',
      returns: [],
    });
  });

  it('brings an unpaid order in as CANCELLED without a payment', () => {
    const state = fold(
      INITIAL_ORDER_STATE,
      importOrder(INITIAL_ORDER_STATE, { ...paid, paidAt: null, refunds: [] }),
    );
    expect(state).toMatchObject({ status: 'CANCELLED', payment: null, refunded: 0 });
  });

  it('refuses to import an order that exists already (the import counts it as skipped)', () => {
    const imported = fold(INITIAL_ORDER_STATE, importOrder(INITIAL_ORDER_STATE, paid));
    expect(() => importOrder(imported, paid)).toThrow(IllegalTransitionError);
    expect(() => importOrder(imported, paid)).toThrow('Order is COMPLETED: cannot import it again');
  });

  it.each<[string, Partial<CommandOf<'import'>>, unknown, RegExp]>([
    ['no line', { lines: [] }, InvalidCommandError, /at least one line/],
    [
      'a SKU twice',
      { lines: [paid.lines[0], { ...paid.lines[0] }] },
      InvalidCommandError,
      /each SKU may appear once/,
    ],
    [
      'a line total that is not price x quantity',
      { lines: [{ sku: 'X', quantity: 2, unitPrice: 100, lineTotal: 150 }], refunds: [] },
      InvalidCommandError,
      /lineTotal/,
    ],
    [
      'a payment before the order',
      { paidAt: '2024-03-01T09:59:59.999Z' },
      InvalidCommandError,
      /paid before/,
    ],
    ['a refund of an unpaid order', { paidAt: null }, InvalidCommandError, /only a paid order/],
    [
      'a refund before the payment',
      { refunds: [{ amount: 1, refundedAt: '2024-03-01T10:04:00.000Z', reason: null }] },
      InvalidCommandError,
      /precede the payment/,
    ],
    [
      'refunds above the total',
      {
        refunds: [
          { amount: 4000, refundedAt: '2024-03-02T00:00:00.000Z', reason: null },
          { amount: 499, refundedAt: '2024-03-03T00:00:00.000Z', reason: null },
        ],
      },
      BusinessRuleError,
      /exceed the order total 4498/,
    ],
  ])('refuses %s', (_case, change, type, message) => {
    let error: unknown;
    try {
      importOrder(INITIAL_ORDER_STATE, { ...paid, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(type as new () => Error);
    expect((error as Error).message).toMatch(message);
  });

  it('answers every command on an imported order as for an order in that state: 409 naming it', () => {
    const completed = fold(INITIAL_ORDER_STATE, importOrder(INITIAL_ORDER_STATE, paid));
    const cancelled = fold(
      INITIAL_ORDER_STATE,
      importOrder(INITIAL_ORDER_STATE, { ...paid, paidAt: null, refunds: [] }),
    );
    const commands: OrderCommand[] = [
      { kind: 'pay', amount: 4498, method: 'card', paymentId: 'p-1' },
      { kind: 'cancel', by: 'customer', reason: null, refundId: 'r-1' },
      { kind: 'ship', carrier: 'SF', trackingNo: 'SF1' },
      { kind: 'deliver' },
      { kind: 'confirmReceipt' },
      { kind: 'requestReturn', returnId: 'ret-1', reason: 'QUALITY', lines: [{ sku: 'CAP', quantity: 1 }] },
    ];
    for (const state of [completed, cancelled]) {
      for (const command of commands) {
        expect(() => decideOrder(state, command)).toThrow(IllegalTransitionError);
        expect(() => decideOrder(state, command)).toThrow(`Order is ${state.status}: cannot`);
      }
      // The timers leave it alone.
      expect(decideOrder(state, { kind: 'expirePayment' })).toEqual([]);
      expect(decideOrder(state, { kind: 'closeReturnWindow' })).toEqual([]);
      expect(decideOrder(state, { kind: 'confirmReservation', lines: [] })).toEqual([]);
    }
    expect(() =>
      decideOrder(completed, { kind: 'requestReturn', returnId: 'ret-1', reason: 'QUALITY', lines: [] }),
    ).toThrow('cannot request a return of an imported order');
  });
});
