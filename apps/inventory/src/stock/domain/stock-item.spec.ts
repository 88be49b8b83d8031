import {
  BusinessRuleError,
  ConflictError,
  foldEvents,
  InvalidCommandError,
} from '@ecom/event-sourcing/domain';
import { addToBatch, takeFefo } from './batches';
import {
  allocationsOf,
  eachAllocation,
  NO_ALLOCATIONS,
  withAllocations,
  withoutAllocations,
} from './order-allocations';
import {
  initialStockItemState,
  StockItemAggregate,
  StockItemEvent,
  StockItemState,
} from './stock-item.aggregate';
import {
  adjustStock,
  allocateStock,
  changeStockPolicy,
  deallocateStock,
  deductStock,
  planAllocation,
  receiveStock,
  restockStock,
  transferStock,
} from './stock-item.decisions';

const sku = 'SKU-1';
const fold = (state: StockItemState, events: StockItemEvent[]) =>
  foldEvents(StockItemAggregate, events, state);
const apply = (state: StockItemState, ...steps: ((s: StockItemState) => StockItemEvent[])[]) =>
  steps.reduce((s, step) => fold(s, step(s)), state);

const regions: Record<string, string | null> = { SH: 'Shanghai', BJ: 'Beijing', GZ: 'Guangdong', XX: null };
const regionOf = (code: string) => regions[code];

describe('StockItem', () => {
  it('receives stock into batches and reports post-change levels and totals', () => {
    const events = receiveStock(initialStockItemState, {
      sku,
      warehouse: 'SH',
      quantity: 10,
      batch: 'L1',
      expiresAt: '2027-01-01T08:00:00+08:00',
    });
    expect(events).toEqual([
      {
        type: 'StockReceived',
        data: {
          sku,
          warehouse: 'SH',
          quantity: 10,
          batch: 'L1',
          expiresAt: '2027-01-01T00:00:00.000Z',
          levels: [{ warehouse: 'SH', onHand: 10, reserved: 0, available: 10 }],
          totals: { onHand: 10, reserved: 0, available: 10 },
        },
      },
    ]);
    const state = fold(initialStockItemState, events);
    expect(state.sku).toBe(sku);
    expect(state.warehouses.SH.batches).toEqual([
      { batch: 'L1', expiresAt: '2027-01-01T00:00:00.000Z', quantity: 10 },
    ]);
  });

  it('refuses a non-positive quantity, an expiry without a batch and a second expiry for a known batch', () => {
    expect(() => receiveStock(initialStockItemState, { sku, warehouse: 'SH', quantity: 0 })).toThrow(
      InvalidCommandError,
    );
    expect(() =>
      receiveStock(initialStockItemState, {
        sku,
        warehouse: 'SH',
        quantity: 1,
        expiresAt: '2027-01-01T00:00:00Z',
      }),
    ).toThrow(/expiresAt needs a batch/);
    const state = apply(initialStockItemState, (s) =>
      receiveStock(s, { sku, warehouse: 'SH', quantity: 1, batch: 'L1', expiresAt: '2027-01-01T00:00:00Z' }),
    );
    expect(() =>
      receiveStock(state, {
        sku,
        warehouse: 'BJ',
        quantity: 1,
        batch: 'L1',
        expiresAt: '2028-01-01T00:00:00Z',
      }),
    ).toThrow(BusinessRuleError);
    // Omitting the expiry of a known batch takes the batch's expiry.
    expect(receiveStock(state, { sku, warehouse: 'BJ', quantity: 1, batch: 'L1' })[0].data.expiresAt).toBe(
      '2027-01-01T00:00:00.000Z',
    );
  });

  it('adjusts with a reason, never below zero nor below the reserved units', () => {
    let state = apply(
      initialStockItemState,
      (s) => receiveStock(s, { sku, warehouse: 'SH', quantity: 10 }),
      (s) => allocateStock(s, { sku, orderId: 'o1', allocations: [{ warehouse: 'SH', quantity: 6 }] }),
    );
    expect(() => adjustStock(state, { sku, warehouse: 'SH', delta: -5, reason: 'damaged' })).toThrow(
      /below its 6 reserved/,
    );
    expect(() => adjustStock(state, { sku, warehouse: 'BJ', delta: -1, reason: 'count' })).toThrow(
      /below zero/,
    );
    expect(() => adjustStock(state, { sku, warehouse: 'SH', delta: 0, reason: 'x' })).toThrow(
      InvalidCommandError,
    );
    expect(() => adjustStock(state, { sku, warehouse: 'SH', delta: 1, reason: '  ' })).toThrow(
      InvalidCommandError,
    );
    state = apply(state, (s) => adjustStock(s, { sku, warehouse: 'SH', delta: -4, reason: 'damaged' }));
    expect(state.warehouses.SH).toMatchObject({ onHand: 6, reserved: 6 });
  });

  it('adjusts a named batch, or removes in FEFO order when none is named', () => {
    let state = apply(
      initialStockItemState,
      (s) =>
        receiveStock(s, {
          sku,
          warehouse: 'SH',
          quantity: 5,
          batch: 'LATE',
          expiresAt: '2028-01-01T00:00:00Z',
        }),
      (s) =>
        receiveStock(s, {
          sku,
          warehouse: 'SH',
          quantity: 5,
          batch: 'EARLY',
          expiresAt: '2027-01-01T00:00:00Z',
        }),
      (s) => receiveStock(s, { sku, warehouse: 'SH', quantity: 5 }),
    );
    expect(() => adjustStock(state, { sku, warehouse: 'SH', delta: -6, reason: 'x', batch: 'LATE' })).toThrow(
      /holds 5/,
    );
    expect(() => adjustStock(state, { sku, warehouse: 'SH', delta: 1, reason: 'x', batch: 'NEW' })).toThrow(
      /receive a new batch/,
    );
    const named = adjustStock(state, { sku, warehouse: 'SH', delta: -2, reason: 'x', batch: 'LATE' });
    expect(named[0].data.batches).toEqual([{ batch: 'LATE', quantity: 2 }]);
    state = fold(state, named);
    // No batch named: EARLY (expires first) is emptied, then LATE; the event says so.
    const nameless = adjustStock(state, { sku, warehouse: 'SH', delta: -7, reason: 'expired' });
    expect(nameless[0].data).toMatchObject({
      batch: null,
      batches: [
        { batch: 'EARLY', quantity: 5 },
        { batch: 'LATE', quantity: 2 },
      ],
    });
    state = fold(state, nameless);
    expect(state.warehouses.SH.batches).toEqual([
      { batch: 'LATE', expiresAt: '2028-01-01T00:00:00.000Z', quantity: 1 },
      { batch: null, expiresAt: null, quantity: 5 },
    ]);
    // An addition names where the units went: the named batch, or unbatched stock.
    expect(adjustStock(state, { sku, warehouse: 'SH', delta: 3, reason: 'found' })[0].data.batches).toEqual([
      { batch: null, quantity: 3 },
    ]);
  });

  it('applies what an event says moved, and events written before batches were named as before', () => {
    const received = apply(
      initialStockItemState,
      (s) =>
        receiveStock(s, { sku, warehouse: 'SH', quantity: 5, batch: 'L', expiresAt: '2028-01-01T00:00:00Z' }),
      (s) =>
        receiveStock(s, { sku, warehouse: 'SH', quantity: 5, batch: 'E', expiresAt: '2027-01-01T00:00:00Z' }),
    );
    const [adjusted] = adjustStock(received, { sku, warehouse: 'SH', delta: -6, reason: 'lost' });
    const [transferred] = transferStock(fold(received, [adjusted]), {
      sku,
      from: 'SH',
      to: 'BJ',
      quantity: 2,
    });
    const current = fold(received, [adjusted, transferred]);
    // The same events without `batches` (as stored before it existed) come to the same state.
    const { batches: _a, ...oldAdjusted } = adjusted.data;
    const { batches: _t, ...oldTransferred } = transferred.data;
    const old = fold(received, [
      { type: 'StockAdjusted', data: oldAdjusted },
      { type: 'StockTransferred', data: oldTransferred },
    ]);
    expect(old).toEqual(current);
    expect(current.warehouses.BJ.batches).toEqual([
      { batch: 'L', expiresAt: '2028-01-01T00:00:00.000Z', quantity: 2 },
    ]);
    // The event is what is applied: a removal that names the later batch takes from it.
    const fromLate = fold(received, [
      {
        type: 'StockAdjusted',
        data: {
          ...adjusted.data,
          batches: [
            { batch: 'L', quantity: 5 },
            { batch: 'E', quantity: 1 },
          ],
        },
      },
    ]);
    expect(fromLate.warehouses.SH.batches.map((b) => [b.batch, b.quantity])).toEqual([['E', 4]]);
  });

  it('transfers available units atomically, FEFO batches first, and refuses more than available', () => {
    let state = apply(
      initialStockItemState,
      (s) =>
        receiveStock(s, { sku, warehouse: 'SH', quantity: 4, batch: 'B', expiresAt: '2027-06-01T00:00:00Z' }),
      (s) =>
        receiveStock(s, { sku, warehouse: 'SH', quantity: 4, batch: 'A', expiresAt: '2027-01-01T00:00:00Z' }),
      (s) => allocateStock(s, { sku, orderId: 'o1', allocations: [{ warehouse: 'SH', quantity: 3 }] }),
    );
    expect(() => transferStock(state, { sku, from: 'SH', to: 'BJ', quantity: 6 })).toThrow(
      /only 5 available/,
    );
    expect(() => transferStock(state, { sku, from: 'SH', to: 'SH', quantity: 1 })).toThrow(
      InvalidCommandError,
    );
    const events = transferStock(state, { sku, from: 'SH', to: 'BJ', quantity: 5 });
    expect(events[0].data).toMatchObject({
      batches: [
        { batch: 'A', quantity: 4 },
        { batch: 'B', quantity: 1 },
      ],
      levels: [
        { warehouse: 'SH', onHand: 3, reserved: 3, available: 0 },
        { warehouse: 'BJ', onHand: 5, reserved: 0, available: 5 },
      ],
      totals: { onHand: 8, reserved: 3, available: 5 },
    });
    state = fold(state, events);
    expect(state.warehouses.BJ.batches.map((b) => [b.batch, b.quantity])).toEqual([
      ['A', 4],
      ['B', 1],
    ]);
    expect(state.warehouses.SH.batches.map((b) => [b.batch, b.quantity])).toEqual([['B', 3]]);
  });

  it('sets the policy, and setting the same values again appends nothing', () => {
    const state = apply(initialStockItemState, (s) =>
      changeStockPolicy(s, { sku, safetyStock: 5, leadTimeDays: 7 }),
    );
    expect(state).toMatchObject({ safetyStock: 5, leadTimeDays: 7 });
    expect(changeStockPolicy(state, { sku, safetyStock: 5, leadTimeDays: 7 })).toEqual([]);
    expect(() => changeStockPolicy(state, { sku, safetyStock: -1 })).toThrow(InvalidCommandError);
  });

  it('allocates, deallocates, deducts first-expiring batches first, and restocks', () => {
    let state = apply(
      initialStockItemState,
      (s) =>
        receiveStock(s, {
          sku,
          warehouse: 'SH',
          quantity: 2,
          batch: 'LATE',
          expiresAt: '2028-01-01T00:00:00Z',
        }),
      (s) =>
        receiveStock(s, {
          sku,
          warehouse: 'SH',
          quantity: 2,
          batch: 'EARLY',
          expiresAt: '2027-01-01T00:00:00Z',
        }),
      (s) => allocateStock(s, { sku, orderId: 'o1', allocations: [{ warehouse: 'SH', quantity: 3 }] }),
      (s) => allocateStock(s, { sku, orderId: 'o2', allocations: [{ warehouse: 'SH', quantity: 1 }] }),
    );
    expect(state.openOrders).toBe(2);
    expect(() =>
      allocateStock(state, { sku, orderId: 'o3', allocations: [{ warehouse: 'SH', quantity: 1 }] }),
    ).toThrow(/only 0 available/);
    expect(() =>
      allocateStock(state, { sku, orderId: 'o1', allocations: [{ warehouse: 'SH', quantity: 1 }] }),
    ).toThrow(ConflictError);

    const released = deallocateStock(state, { sku, orderId: 'o2', reason: 'ORDER_CANCELLED' });
    expect(released[0].data).toMatchObject({
      allocations: [{ warehouse: 'SH', quantity: 1 }],
      totals: { reserved: 3, available: 1 },
    });
    state = fold(state, released);
    expect(deallocateStock(state, { sku, orderId: 'o2', reason: 'ORDER_CANCELLED' })).toEqual([]);

    const deducted = deductStock(state, { sku, orderId: 'o1' });
    expect(deducted[0].data.allocations).toEqual([
      { warehouse: 'SH', quantity: 2, batch: 'EARLY' },
      { warehouse: 'SH', quantity: 1, batch: 'LATE' },
    ]);
    state = fold(state, deducted);
    expect(state.warehouses.SH).toEqual({
      onHand: 1,
      reserved: 0,
      batches: [{ batch: 'LATE', expiresAt: '2028-01-01T00:00:00.000Z', quantity: 1 }],
    });
    expect(state.openOrders).toBe(0);
    expect(deductStock(state, { sku, orderId: 'o1' })).toEqual([]);

    state = apply(state, (s) =>
      restockStock(s, { sku, orderId: 'o1', returnId: 'r1', warehouse: 'SH', quantity: 2 }),
    );
    expect(state.warehouses.SH.onHand).toBe(3);
  });

  describe('warehouse choice for a reservation line', () => {
    const stocked = apply(
      initialStockItemState,
      (s) => receiveStock(s, { sku, warehouse: 'SH', quantity: 3 }),
      (s) => receiveStock(s, { sku, warehouse: 'BJ', quantity: 10 }),
      (s) => receiveStock(s, { sku, warehouse: 'GZ', quantity: 6 }),
      (s) => receiveStock(s, { sku, warehouse: 'XX', quantity: 6 }),
    );

    it('prefers a warehouse in the shipping region that can supply the whole line', () => {
      expect(planAllocation(stocked, { quantity: 3, shippingRegion: 'shanghai', regionOf })).toEqual({
        ok: true,
        allocations: [{ warehouse: 'SH', quantity: 3 }],
      });
    });

    it('otherwise takes the whole line from the warehouse with most available (no split)', () => {
      expect(planAllocation(stocked, { quantity: 4, shippingRegion: 'Shanghai', regionOf })).toEqual({
        ok: true,
        allocations: [{ warehouse: 'BJ', quantity: 4 }],
      });
      expect(planAllocation(stocked, { quantity: 6, shippingRegion: null, regionOf })).toEqual({
        ok: true,
        allocations: [{ warehouse: 'BJ', quantity: 6 }],
      });
    });

    it('splits only when no warehouse can supply the line alone: region first, then most available', () => {
      expect(planAllocation(stocked, { quantity: 12, shippingRegion: 'Shanghai', regionOf })).toEqual({
        ok: true,
        allocations: [
          { warehouse: 'SH', quantity: 3 },
          { warehouse: 'BJ', quantity: 9 },
        ],
      });
      expect(planAllocation(stocked, { quantity: 20, shippingRegion: null, regionOf })).toEqual({
        ok: true,
        allocations: [
          { warehouse: 'BJ', quantity: 10 },
          { warehouse: 'GZ', quantity: 6 },
          { warehouse: 'XX', quantity: 4 },
        ],
      });
    });

    it('reports the total available when all warehouses together are short', () => {
      expect(planAllocation(stocked, { quantity: 26, shippingRegion: null, regionOf })).toEqual({
        ok: false,
        available: 25,
      });
      expect(planAllocation(initialStockItemState, { quantity: 1, shippingRegion: null, regionOf })).toEqual({
        ok: false,
        available: 0,
      });
    });
  });
});

describe('batches', () => {
  it('keep FEFO order: dated batches by expiry, then undated batches, then unbatched stock', () => {
    let batches = addToBatch([], null, null, 1);
    batches = addToBatch(batches, 'U', null, 1);
    batches = addToBatch(batches, 'LATE', '2028-01-01T00:00:00.000Z', 1);
    batches = addToBatch(batches, 'EARLY', '2027-01-01T00:00:00.000Z', 1);
    expect(batches.map((b) => b.batch)).toEqual(['EARLY', 'LATE', 'U', null]);
    expect(takeFefo(batches, 3).taken.map((b) => b.batch)).toEqual(['EARLY', 'LATE', 'U']);
    expect(() => takeFefo(batches, 5)).toThrow(/internal/);
  });
});

describe('order allocations', () => {
  it('adds, finds and removes orders across buckets without touching other orders', () => {
    let all = NO_ALLOCATIONS;
    for (let i = 0; i < 500; i++)
      all = withAllocations(all, `order-${i}`, [{ warehouse: 'W', quantity: i + 1 }]);
    const before = all;
    all = withoutAllocations(all, 'order-7');
    expect(allocationsOf(all, 'order-7')).toBeUndefined();
    expect(allocationsOf(before, 'order-7')).toEqual([{ warehouse: 'W', quantity: 8 }]);
    expect(allocationsOf(all, 'order-499')).toEqual([{ warehouse: 'W', quantity: 500 }]);
    expect([...eachAllocation(all)]).toHaveLength(499);
    expect(withoutAllocations(all, 'missing')).toBe(all);
    expect(JSON.parse(JSON.stringify(all))).toEqual(all);
  });
});
