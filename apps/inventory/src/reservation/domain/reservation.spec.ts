import fc from 'fast-check';
import { BusinessRuleError, foldEvents } from '@ecom/event-sourcing/domain';
import {
  initialStockItemState,
  StockItemAggregate,
  StockItemState,
} from '../../stock/domain/stock-item.aggregate';
import { receiveStock } from '../../stock/domain/stock-item.decisions';
import { initialReservationState, ReservationAggregate, ReservationState } from './reservation.aggregate';
import {
  releaseOrder,
  releaseReasonOf,
  reserveOrder,
  returnOrder,
  SagaDecision,
  shipOrder,
} from './reservation.decisions';

const regions: Record<string, string> = { SH: 'Shanghai', BJ: 'Beijing' };
const regionOf = (code: string) => regions[code];

function stocked(entries: Record<string, Record<string, number>>): Map<string, StockItemState> {
  const states = new Map<string, StockItemState>();
  for (const [sku, byWarehouse] of Object.entries(entries)) {
    let state = initialStockItemState;
    for (const [warehouse, quantity] of Object.entries(byWarehouse)) {
      state = foldEvents(StockItemAggregate, receiveStock(state, { sku, warehouse, quantity }), state);
    }
    states.set(sku, state);
  }
  return states;
}

/** Applies a decision the way the consumer does: every stream or none. */
function applyDecision(
  stocks: Map<string, StockItemState>,
  reservation: ReservationState,
  decision: SagaDecision,
) {
  for (const { sku, events } of decision.stock) {
    stocks.set(sku, foldEvents(StockItemAggregate, events, stocks.get(sku) ?? initialStockItemState));
  }
  return foldEvents(ReservationAggregate, decision.reservation, reservation);
}

const lookup = (stocks: Map<string, StockItemState>) => (sku: string) =>
  stocks.get(sku) ?? initialStockItemState;

/** What a decision reads: the reservation, the current stock and the warehouses' regions. */
const sagaState = (reservation: ReservationState, stocks: Map<string, StockItemState>) => ({
  reservation,
  stockOf: lookup(stocks),
  regionOf,
});

describe('order saga decisions', () => {
  it('reserves every line, splitting only where needed, and records the lines on the reservation', () => {
    const stocks = stocked({ A: { SH: 2, BJ: 5 }, B: { BJ: 3 } });
    const decision = reserveOrder(sagaState(initialReservationState, stocks), {
      orderId: 'o1',
      lines: [
        { sku: 'A', quantity: 4 },
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
      ],
      shippingRegion: 'Shanghai',
    });
    expect(decision.reservation).toEqual([
      {
        type: 'StockReserved',
        data: {
          orderId: 'o1',
          lines: [
            { sku: 'A', warehouse: 'SH', quantity: 2 },
            { sku: 'A', warehouse: 'BJ', quantity: 4 },
            { sku: 'B', warehouse: 'BJ', quantity: 1 },
          ],
        },
      },
    ]);
    expect(decision.stock.map((s) => [s.sku, s.events.map((e) => e.type)])).toEqual([
      ['A', ['StockAllocated']],
      ['B', ['StockAllocated']],
    ]);
    const reservation = applyDecision(stocks, initialReservationState, decision);
    expect(reservation.status).toBe('RESERVED');
    expect(stocks.get('A')!.warehouses).toMatchObject({ SH: { reserved: 2 }, BJ: { reserved: 4 } });
    // A redelivered OrderPlaced (even with another event id) decides nothing.
    expect(
      reserveOrder(sagaState(reservation, stocks), {
        orderId: 'o1',
        lines: [{ sku: 'B', quantity: 1 }],
        shippingRegion: null,
      }),
    ).toEqual({
      stock: [],
      reservation: [],
    });
  });

  it('rejects the whole order when any line is short, naming the short lines, and holds nothing', () => {
    const stocks = stocked({ A: { SH: 5 }, B: { BJ: 1 } });
    const decision = reserveOrder(sagaState(initialReservationState, stocks), {
      orderId: 'o2',
      lines: [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
        { sku: 'C', quantity: 1 },
      ],
      shippingRegion: null,
    });
    expect(decision).toEqual({
      stock: [],
      reservation: [
        {
          type: 'StockReservationRejected',
          data: {
            orderId: 'o2',
            shortLines: [
              { sku: 'B', requested: 2, available: 1 },
              { sku: 'C', requested: 1, available: 0 },
            ],
          },
        },
      ],
    });
  });

  it('releases, ships and returns along the order lifecycle', () => {
    const stocks = stocked({ A: { SH: 5 } });
    let reservation = applyDecision(
      stocks,
      initialReservationState,
      reserveOrder(sagaState(initialReservationState, stocks), {
        orderId: 'o3',
        lines: [{ sku: 'A', quantity: 3 }],
        shippingRegion: null,
      }),
    );
    const shipped = shipOrder(sagaState(reservation, stocks), { orderId: 'o3' });
    expect(shipped.stock[0].events[0]).toMatchObject({
      type: 'StockDeducted',
      data: { totals: { onHand: 2, reserved: 0 } },
    });
    reservation = applyDecision(stocks, reservation, shipped);
    expect(reservation.status).toBe('SHIPPED');
    expect(shipOrder(sagaState(reservation, stocks), { orderId: 'o3' })).toEqual({
      stock: [],
      reservation: [],
    });
    expect(() =>
      releaseOrder(sagaState(reservation, stocks), { orderId: 'o3', reason: 'ORDER_CANCELLED' }),
    ).toThrow(BusinessRuleError);

    const returned = returnOrder(sagaState(reservation, stocks), {
      orderId: 'o3',
      returnId: 'r1',
      lines: [{ sku: 'A', quantity: 2 }],
    });
    expect(returned.reservation[0]).toEqual({
      type: 'StockReturned',
      data: { orderId: 'o3', returnId: 'r1', lines: [{ sku: 'A', warehouse: 'SH', quantity: 2 }] },
    });
    reservation = applyDecision(stocks, reservation, returned);
    expect(stocks.get('A')!.warehouses.SH.onHand).toBe(4);
    expect(
      returnOrder(sagaState(reservation, stocks), {
        orderId: 'o3',
        returnId: 'r1',
        lines: [{ sku: 'A', quantity: 2 }],
      }),
    ).toEqual({
      stock: [],
      reservation: [],
    });
    expect(() =>
      returnOrder(sagaState(reservation, stocks), {
        orderId: 'o3',
        returnId: 'r2',
        lines: [{ sku: 'A', quantity: 2 }],
      }),
    ).toThrow(/more than shipped and not yet returned \(1\)/);
  });

  it('says on each shipped line which batches its units left from, first-expiring first', () => {
    // MILK: SH holds 2 expiring 2027-03 and 4 unbatched; BJ holds 3 of lot B2. The order takes 8: SH 6 + BJ 2.
    const stocks = new Map<string, StockItemState>();
    let milk = initialStockItemState;
    for (const command of [
      { warehouse: 'SH', quantity: 4 },
      { warehouse: 'SH', quantity: 2, batch: 'S1', expiresAt: '2027-03-01T00:00:00Z' },
      { warehouse: 'BJ', quantity: 3, batch: 'B2' },
    ]) {
      milk = foldEvents(StockItemAggregate, receiveStock(milk, { sku: 'MILK', ...command }), milk);
    }
    stocks.set('MILK', milk);
    const reserved = applyDecision(
      stocks,
      initialReservationState,
      reserveOrder(sagaState(initialReservationState, stocks), {
        orderId: 'o9',
        lines: [{ sku: 'MILK', quantity: 8 }],
        shippingRegion: 'Shanghai',
      }),
    );
    const shipped = shipOrder(sagaState(reserved, stocks), { orderId: 'o9' });
    expect(shipped.reservation[0]).toEqual({
      type: 'StockShipped',
      data: {
        orderId: 'o9',
        lines: [
          {
            sku: 'MILK',
            warehouse: 'SH',
            quantity: 6,
            batches: [
              { batch: 'S1', quantity: 2 },
              { batch: null, quantity: 4 },
            ],
          },
          { sku: 'MILK', warehouse: 'BJ', quantity: 2, batches: [{ batch: 'B2', quantity: 2 }] },
        ],
      },
    });
    // The reservation keeps what shipped by SKU and warehouse (returns go back there).
    expect(applyDecision(stocks, reserved, shipped).lines).toEqual([
      { sku: 'MILK', warehouse: 'SH', quantity: 6 },
      { sku: 'MILK', warehouse: 'BJ', quantity: 2 },
    ]);
  });

  it('releases a reserved order once; a rejected or unknown order has nothing to release', () => {
    const stocks = stocked({ A: { SH: 1 } });
    const reservation = applyDecision(
      stocks,
      initialReservationState,
      reserveOrder(sagaState(initialReservationState, stocks), {
        orderId: 'o4',
        lines: [{ sku: 'A', quantity: 1 }],
        shippingRegion: null,
      }),
    );
    const released = releaseOrder(sagaState(reservation, stocks), {
      orderId: 'o4',
      reason: 'PAYMENT_TIMEOUT',
    });
    expect(released.reservation[0]).toEqual({
      type: 'StockReleased',
      data: { orderId: 'o4', reason: 'PAYMENT_TIMEOUT', lines: [{ sku: 'A', warehouse: 'SH', quantity: 1 }] },
    });
    const after = applyDecision(stocks, reservation, released);
    expect(stocks.get('A')!.warehouses.SH.reserved).toBe(0);
    expect(releaseOrder(sagaState(after, stocks), { orderId: 'o4', reason: 'ORDER_CANCELLED' })).toEqual({
      stock: [],
      reservation: [],
    });
    expect(
      releaseOrder(sagaState(initialReservationState, stocks), { orderId: 'x', reason: 'ORDER_CANCELLED' }),
    ).toEqual({
      stock: [],
      reservation: [],
    });
    expect(() => shipOrder(sagaState(after, stocks), { orderId: 'o4' })).toThrow(/holds no reserved stock/);
  });

  it('names a system cancellation for want of payment PAYMENT_TIMEOUT, any other ORDER_CANCELLED', () => {
    expect(releaseReasonOf({ cancelledBy: 'system', reason: 'PAYMENT_TIMEOUT' })).toBe('PAYMENT_TIMEOUT');
    expect(releaseReasonOf({ cancelledBy: 'system', reason: 'unpaid after 15 minutes' })).toBe(
      'PAYMENT_TIMEOUT',
    );
    expect(releaseReasonOf({ cancelledBy: 'customer', reason: 'payment timeout' })).toBe('ORDER_CANCELLED');
    expect(releaseReasonOf({ cancelledBy: 'operator', reason: null })).toBe('ORDER_CANCELLED');
    expect(releaseReasonOf({ cancelledBy: 'system', reason: null })).toBe('ORDER_CANCELLED');
  });

  it('is all or nothing for any orders over any stock (property)', () => {
    const skus = ['A', 'B', 'C'];
    fc.assert(
      fc.property(
        fc.record({
          stock: fc.dictionary(fc.constantFrom(...skus), fc.record({ SH: fc.nat(6), BJ: fc.nat(6) })),
          orders: fc.array(
            fc.array(fc.record({ sku: fc.constantFrom(...skus), quantity: fc.integer({ min: 1, max: 5 }) }), {
              minLength: 1,
              maxLength: 4,
            }),
            { minLength: 1, maxLength: 12 },
          ),
        }),
        ({ stock, orders }) => {
          const stocks = stocked(
            Object.fromEntries(
              Object.entries(stock).map(([sku, byWarehouse]) => [
                sku,
                Object.fromEntries(Object.entries(byWarehouse).filter(([, q]) => q > 0)),
              ]),
            ),
          );
          orders.forEach((lines, i) => {
            const available = (sku: string) =>
              Object.values(lookup(stocks)(sku).warehouses).reduce(
                (sum, w) => sum + w.onHand - w.reserved,
                0,
              );
            const wanted = new Map<string, number>();
            for (const l of lines) wanted.set(l.sku, (wanted.get(l.sku) ?? 0) + l.quantity);
            const short = [...wanted].filter(([sku, q]) => available(sku) < q).map(([sku]) => sku);
            const before = new Map([...wanted.keys()].map((sku) => [sku, available(sku)]));
            const decision = reserveOrder(sagaState(initialReservationState, stocks), {
              orderId: `o${i}`,
              lines,
              shippingRegion: 'Beijing',
            });
            applyDecision(stocks, initialReservationState, decision);
            if (short.length > 0) {
              expect(decision.stock).toEqual([]);
              expect(decision.reservation[0].type).toBe('StockReservationRejected');
              expect(
                (decision.reservation[0].data as { shortLines: { sku: string }[] }).shortLines.map(
                  (l) => l.sku,
                ),
              ).toEqual(short);
              for (const [sku, q] of before) expect(available(sku)).toBe(q);
            } else {
              expect(decision.reservation[0].type).toBe('StockReserved');
              for (const [sku, q] of wanted) expect(available(sku)).toBe(before.get(sku)! - q);
            }
            for (const s of stocks.values()) {
              for (const w of Object.values(s.warehouses)) expect(w.reserved).toBeLessThanOrEqual(w.onHand);
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
