import { DomainError, IllegalTransitionError, NotFoundError } from '@ecom/event-sourcing/domain';
import fc from 'fast-check';
import {
  evolveOrder,
  INITIAL_ORDER_STATE,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  OrderEvent,
  OrderState,
  RETURN_TRANSITIONS,
} from './order.aggregate';
import { decideOrder, OrderCommand } from './order.decisions';

const fold = (state: OrderState, events: OrderEvent[]) => events.reduce(evolveOrder, state);

const placeCommand: OrderCommand = {
  kind: 'place',
  orderId: 'o-1',
  memberId: 'm-1',
  visitorId: 'v-1',
  channel: 'web',
  cartId: null,
  currency: 'CNY',
  shippingRegion: 'Zhejiang',
  lines: [
    { sku: 'TEE-S', quantity: 2, unitPrice: 1999, lineTotal: 3998 },
    { sku: 'CAP', quantity: 1, unitPrice: 500, lineTotal: 500 },
  ],
};

const importCommand: OrderCommand = {
  kind: 'import',
  orderId: 'o-1',
  sourceOrderId: 'SRC-1001',
  memberId: 'm-1',
  customerRef: 'cust-77',
  channel: 'web',
  placedAt: '2024-03-01T10:00:00.000Z',
  paidAt: '2024-03-01T10:05:00.000Z',
  currency: 'CNY',
  lines: [
    { sku: 'TEE-S', quantity: 2, unitPrice: 1999, lineTotal: 3998 },
    { sku: 'CAP', quantity: 1, unitPrice: 500, lineTotal: 500 },
  ],
  refunds: [{ amount: 500, refundedAt: '2024-03-09T09:00:00.000Z', reason: 'CAP returned' }],
};

function run(commands: OrderCommand[], from: OrderState = INITIAL_ORDER_STATE): OrderState {
  return commands.reduce((state, command) => fold(state, decideOrder(state, command)), from);
}

const reserved = [
  { sku: 'TEE-S', warehouse: 'WH1', quantity: 2 },
  { sku: 'CAP', warehouse: 'WH1', quantity: 1 },
];

describe('Order lifecycle (pure)', () => {
  it('runs the happy path place -> CONFIRMED -> PAID -> SHIPPED -> DELIVERED -> COMPLETED', () => {
    const statuses: string[] = [];
    let state = INITIAL_ORDER_STATE;
    const steps: OrderCommand[] = [
      placeCommand,
      { kind: 'confirmReservation', lines: reserved },
      { kind: 'pay', amount: 4498, method: 'card', paymentId: 'p-1' },
      { kind: 'ship', carrier: 'SF', trackingNo: 'SF1' },
      { kind: 'deliver' },
      { kind: 'confirmReceipt' },
    ];
    for (const step of steps) {
      state = run([step], state);
      statuses.push(state.status);
    }
    expect(statuses).toEqual(['PENDING', 'CONFIRMED', 'PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED']);
    expect(state.total).toBe(4498);
    expect(state.payment).toEqual({ paymentId: 'p-1', amount: 4498, method: 'card' });
  });

  it('computes the total from the priced lines and refuses an inconsistent line', () => {
    expect(decideOrder(INITIAL_ORDER_STATE, placeCommand)[0].data).toMatchObject({
      total: 4498,
      currency: 'CNY',
    });
    expect(() =>
      decideOrder(INITIAL_ORDER_STATE, {
        ...placeCommand,
        lines: [{ sku: 'X', quantity: 2, unitPrice: 100, lineTotal: 100 }],
      } as OrderCommand),
    ).toThrow(/lineTotal/);
  });

  it('refuses to ship an unpaid order with a 409 naming the current state', () => {
    const confirmed = run([placeCommand, { kind: 'confirmReservation', lines: reserved }]);
    let error: unknown;
    try {
      decideOrder(confirmed, { kind: 'ship', carrier: 'SF', trackingNo: '1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect((error as Error).message).toBe('Order is CONFIRMED: cannot ship');
    expect((error as DomainError).kind).toBe('conflict');
  });

  it('refuses a payment of the wrong amount as a business rule (422), before any state check passes it', () => {
    const confirmed = run([placeCommand, { kind: 'confirmReservation', lines: reserved }]);
    expect(() =>
      decideOrder(confirmed, { kind: 'pay', amount: 4497, method: 'card', paymentId: 'p' }),
    ).toThrow(expect.objectContaining({ kind: 'rule', code: 'PAYMENT_AMOUNT_MISMATCH' }));
  });

  it('cancels a CONFIRMED order without a refund and a PAID one with a full refund', () => {
    const confirmed = run([placeCommand, { kind: 'confirmReservation', lines: reserved }]);
    const unpaid = decideOrder(confirmed, { kind: 'cancel', by: 'customer', reason: null, refundId: 'r-1' });
    expect(unpaid.map((e) => e.type)).toEqual(['OrderCancelled']);
    const paid = run([{ kind: 'pay', amount: 4498, method: 'card', paymentId: 'p-1' }], confirmed);
    const events = decideOrder(paid, {
      kind: 'cancel',
      by: 'operator',
      reason: 'out of season',
      refundId: 'r-1',
    });
    expect(events.map((e) => e.type)).toEqual(['OrderCancelled', 'RefundIssued']);
    expect(events[0].data).toMatchObject({ previousStatus: 'PAID', cancelledBy: 'operator' });
    expect(events[1].data).toMatchObject({
      amount: 4498,
      cause: 'CANCELLATION',
      returnId: null,
      refundId: 'r-1',
    });
  });

  it('lets the payment timeout cancel only a still-CONFIRMED order, exactly once', () => {
    const confirmed = run([placeCommand, { kind: 'confirmReservation', lines: reserved }]);
    const first = decideOrder(confirmed, { kind: 'expirePayment' });
    expect(first).toHaveLength(1);
    expect(first[0].data).toMatchObject({
      cancelledBy: 'system',
      reason: 'PAYMENT_TIMEOUT',
      previousStatus: 'CONFIRMED',
    });
    expect(decideOrder(fold(confirmed, first), { kind: 'expirePayment' })).toEqual([]);
    const paid = run([{ kind: 'pay', amount: 4498, method: 'card', paymentId: 'p' }], confirmed);
    expect(decideOrder(paid, { kind: 'expirePayment' })).toEqual([]);
  });

  it('ignores a late or repeated reservation answer', () => {
    const confirmed = run([placeCommand, { kind: 'confirmReservation', lines: reserved }]);
    expect(decideOrder(confirmed, { kind: 'confirmReservation', lines: reserved })).toEqual([]);
    expect(
      decideOrder(confirmed, {
        kind: 'rejectReservation',
        shortLines: [{ sku: 'CAP', requested: 1, available: 0 }],
      }),
    ).toEqual([]);
  });

  it('rejects an order inventory could not reserve and names the short SKUs', () => {
    const [event] = decideOrder(run([placeCommand]), {
      kind: 'rejectReservation',
      shortLines: [{ sku: 'CAP', requested: 1, available: 0 }],
    });
    expect(event).toMatchObject({ type: 'OrderRejected', data: { reason: 'OUT_OF_STOCK: CAP' } });
  });

  describe('returns', () => {
    const delivered = run([
      placeCommand,
      { kind: 'confirmReservation', lines: reserved },
      { kind: 'pay', amount: 4498, method: 'card', paymentId: 'p-1' },
      { kind: 'ship', carrier: 'SF', trackingNo: 'SF1' },
      { kind: 'deliver' },
    ]);

    it('goes REQUESTED -> APPROVED -> RECEIVED -> REFUNDED with the value of the returned units', () => {
      const requested = decideOrder(delivered, {
        kind: 'requestReturn',
        returnId: 'r-1',
        reason: 'SIZE_MISMATCH',
        lines: [{ sku: 'TEE-S', quantity: 1 }],
      });
      expect(requested[0].data).toMatchObject({ amount: 1999, currency: 'CNY', reason: 'SIZE_MISMATCH' });
      const done = run(
        [
          { kind: 'approveReturn', returnId: 'r-1' },
          { kind: 'receiveReturn', returnId: 'r-1' },
          { kind: 'refundReturn', returnId: 'r-1', refundId: 'rf-1' },
        ],
        fold(delivered, requested),
      );
      expect(done.returns).toEqual([
        expect.objectContaining({ returnId: 'r-1', status: 'REFUNDED', amount: 1999 }),
      ]);
      expect(done.refunded).toBe(1999);
      expect(done.status).toBe('DELIVERED');
    });

    it('refuses to refund a return not yet received, naming its state', () => {
      const requested = run(
        [{ kind: 'requestReturn', returnId: 'r-1', reason: 'QUALITY', lines: [{ sku: 'CAP', quantity: 1 }] }],
        delivered,
      );
      expect(() => decideOrder(requested, { kind: 'refundReturn', returnId: 'r-1', refundId: 'x' })).toThrow(
        'Return is REQUESTED: cannot refund',
      );
    });

    it('never lets more units be returned than were ordered', () => {
      const once = run(
        [
          {
            kind: 'requestReturn',
            returnId: 'r-1',
            reason: 'QUALITY',
            lines: [{ sku: 'TEE-S', quantity: 2 }],
          },
        ],
        delivered,
      );
      expect(() =>
        decideOrder(once, {
          kind: 'requestReturn',
          returnId: 'r-2',
          reason: 'QUALITY',
          lines: [{ sku: 'TEE-S', quantity: 1 }],
        }),
      ).toThrow(expect.objectContaining({ code: 'RETURN_QUANTITY_EXCEEDED' }));
      const rejected = run([{ kind: 'rejectReturn', returnId: 'r-1', reason: 'worn' }], once);
      expect(
        decideOrder(rejected, {
          kind: 'requestReturn',
          returnId: 'r-2',
          reason: 'QUALITY',
          lines: [{ sku: 'TEE-S', quantity: 2 }],
        }),
      ).toHaveLength(1);
    });

    it('refuses a return of an order not yet delivered', () => {
      const paid = run([placeCommand, { kind: 'confirmReservation', lines: reserved }]);
      expect(() =>
        decideOrder(paid, {
          kind: 'requestReturn',
          returnId: 'r',
          reason: 'OTHER',
          lines: [{ sku: 'CAP', quantity: 1 }],
        }),
      ).toThrow('Order is CONFIRMED: cannot request a return');
    });
  });

  describe('property: no sequence of commands leaves the lifecycle', () => {
    const returnIds = ['r-1', 'r-2'];
    // Weighted so that random sequences get deep into the lifecycle (the last test checks they do).
    const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
    const command: fc.Arbitrary<OrderCommand> = fc.oneof(
      w(1, fc.constant(placeCommand)),
      w(3, fc.constant<OrderCommand>({ kind: 'confirmReservation', lines: reserved })),
      w(
        1,
        fc.constant<OrderCommand>({
          kind: 'rejectReservation',
          shortLines: [{ sku: 'CAP', requested: 1, available: 0 }],
        }),
      ),
      w(
        1,
        fc.record({
          kind: fc.constant('recordPaymentFailure' as const),
          amount: fc.constantFrom(4498, 1),
          method: fc.constant('card'),
          reason: fc.constant('declined'),
        }),
      ),
      w(
        4,
        fc.record({
          kind: fc.constant('pay' as const),
          amount: fc.constantFrom(4498, 4498, 4498, 4497, 0),
          method: fc.constant('alipay'),
          paymentId: fc.uuid(),
        }),
      ),
      w(
        1,
        fc.record({
          kind: fc.constant('cancel' as const),
          by: fc.constantFrom('customer' as const, 'operator' as const),
          reason: fc.constantFrom(null, 'changed my mind'),
          refundId: fc.uuid(),
        }),
      ),
      w(1, fc.constant<OrderCommand>({ kind: 'expirePayment' })),
      w(3, fc.constant<OrderCommand>({ kind: 'ship', carrier: 'SF', trackingNo: 'T1' })),
      w(3, fc.constant<OrderCommand>({ kind: 'deliver' })),
      w(1, fc.constant<OrderCommand>({ kind: 'confirmReceipt' })),
      w(1, fc.constant<OrderCommand>({ kind: 'closeReturnWindow' })),
      w(
        4,
        fc.record({
          kind: fc.constant('requestReturn' as const),
          returnId: fc.constantFrom(...returnIds),
          reason: fc.constantFrom('SIZE_MISMATCH' as const, 'QUALITY' as const, 'OTHER' as const),
          lines: fc.constantFrom<{ sku: string; quantity: number }[][]>(
            [{ sku: 'TEE-S', quantity: 1 }],
            [{ sku: 'CAP', quantity: 1 }],
            [{ sku: 'TEE-S', quantity: 3 }],
            [{ sku: 'NOPE', quantity: 1 }],
          ),
        }),
      ),
      w(
        3,
        fc.record({ kind: fc.constant('approveReturn' as const), returnId: fc.constantFrom(...returnIds) }),
      ),
      w(
        1,
        fc.record({
          kind: fc.constant('rejectReturn' as const),
          returnId: fc.constantFrom(...returnIds),
          reason: fc.constant('no'),
        }),
      ),
      w(
        3,
        fc.record({ kind: fc.constant('receiveReturn' as const), returnId: fc.constantFrom(...returnIds) }),
      ),
      w(
        3,
        fc.record({
          kind: fc.constant('refundReturn' as const),
          returnId: fc.constantFrom(...returnIds),
          refundId: fc.uuid(),
        }),
      ),
    );

    // The same, plus imported past orders (valid paid and unpaid ones, and one refunding too much).
    const commandOrImport: fc.Arbitrary<OrderCommand> = fc.oneof(
      { weight: 30, arbitrary: command },
      {
        weight: 1,
        arbitrary: fc.constantFrom<OrderCommand>(
          importCommand,
          { ...importCommand, paidAt: null, refunds: [] },
          {
            ...importCommand,
            refunds: [{ amount: 9999, refundedAt: '2024-03-02T00:00:00.000Z', reason: null }],
          },
        ),
      },
    );

    it('only ever moves along docs/contract.md section 4 and refuses everything else with a domain error naming the state', () => {
      fc.assert(
        fc.property(fc.array(commandOrImport, { minLength: 1, maxLength: 60, size: 'max' }), (commands) => {
          let state = INITIAL_ORDER_STATE;
          for (const c of commands) {
            const before = state;
            let events: OrderEvent[];
            try {
              events = decideOrder(before, c);
            } catch (error) {
              // A refusal is a domain error; an illegal transition names the state the order is in.
              expect(error).toBeInstanceOf(DomainError);
              if (error instanceof IllegalTransitionError) {
                const current =
                  error.aggregateType === 'Order'
                    ? before.status
                    : before.returns.find((r) => (c as { returnId?: string }).returnId === r.returnId)
                        ?.status;
                expect(error.currentState).toBe(current);
                expect(error.message).toContain(`is ${current}: cannot`);
              }
              if (before.status === 'NEW' && c.kind !== 'place' && c.kind !== 'import')
                expect(error).toBeInstanceOf(NotFoundError);
              continue;
            }
            state = fold(before, events);
            if (events.length === 0) continue; // a no-op (late reservation answer, timer on a settled order)
            // Every status reached is a status of the lifecycle, reached by an allowed transition.
            expect(ORDER_STATUSES).toContain(state.status);
            if (state.status !== before.status) {
              expect(ORDER_TRANSITIONS[before.status]).toContain(state.status);
            }
            // Each return only moves along its own lifecycle, never backwards.
            for (const r of state.returns) {
              const previous = before.returns.find((p) => p.returnId === r.returnId);
              if (previous && previous.status !== r.status) {
                expect(RETURN_TRANSITIONS[previous.status]).toContain(r.status);
              }
            }
            // Money: never more refunded than paid; a paid status always has a payment of the total.
            expect(state.refunded).toBeLessThanOrEqual(state.payment?.amount ?? 0);
            if (['PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED'].includes(state.status)) {
              expect(state.payment?.amount).toBe(state.total);
            }
            // Returns only exist for delivered goods, and never exceed the ordered units.
            for (const line of state.lines) {
              const claimed = state.returns
                .filter((r) => r.status !== 'REJECTED')
                .flatMap((r) => r.lines)
                .filter((l) => l.sku === line.sku)
                .reduce((sum, l) => sum + l.quantity, 0);
              expect(claimed).toBeLessThanOrEqual(line.quantity);
            }
          }
        }),
        { numRuns: 500 },
      );
      // The generator does reach the deep end of the lifecycle (returns refunded, orders completed).
      const reached = new Set<string>();
      fc.assert(
        fc.property(fc.array(command, { minLength: 1, maxLength: 60, size: 'max' }), (commands) => {
          let state = INITIAL_ORDER_STATE;
          for (const c of commands) {
            try {
              state = fold(state, decideOrder(state, c));
            } catch {
              /* refused */
            }
            reached.add(state.status);
            state.returns.forEach((r) => reached.add(`return:${r.status}`));
          }
        }),
        { numRuns: 500, seed: 42 },
      );
      expect([...reached]).toEqual(
        expect.arrayContaining([...ORDER_STATUSES, 'return:REFUNDED', 'return:REJECTED']),
      );
    });
  });
});
