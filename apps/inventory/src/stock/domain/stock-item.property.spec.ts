import fc from 'fast-check';
import { DomainError, foldEvents } from '@ecom/event-sourcing/domain';
import { fefoCompare } from './batches';
import { allocationsOf, eachAllocation } from './order-allocations';
import {
  availableIn,
  initialStockItemState,
  levelOf,
  StockItemAggregate,
  StockItemEvent,
  StockItemState,
  totalsOf,
  warehouseStock,
} from './stock-item.aggregate';
import {
  adjustStock,
  allocateStock,
  deallocateStock,
  deductStock,
  planAllocation,
  receiveStock,
  restockStock,
  transferStock,
} from './stock-item.decisions';

/*
 * Any sequence of receipts, reservations, releases, shipments, transfers, adjustments and restocks
 * keeps 0 <= reserved <= onHand in every warehouse (and the batches, allocations and totals consistent),
 * or the command is refused with a DomainError that says why and changes nothing.
 */

const sku = 'HOT-1';
const WAREHOUSES = ['SH', 'BJ', 'GZ'];
const REGIONS: Record<string, string> = { SH: 'Shanghai', BJ: 'Beijing', GZ: 'Guangdong' };
const BATCH_EXPIRY: Record<string, string> = {
  L1: '2027-01-01T00:00:00.000Z',
  L2: '2027-03-01T00:00:00.000Z',
  L3: '2028-01-01T00:00:00.000Z',
};

const warehouse = fc.constantFrom(...WAREHOUSES);
/** An order: a new one, or (by index) one of the orders holding stock when the command runs. */
type OrderRef = { fresh: true } | { open: number };
const orderRef: fc.Arbitrary<OrderRef> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ fresh: true as const }) },
  { weight: 1, arbitrary: fc.record({ open: fc.nat() }) },
);
const openOrderRef = fc.record({ open: fc.nat() });
const batch = fc.option(fc.constantFrom('L1', 'L2', 'L3', 'L9'), { nil: null });

/**
 * Quantities are absolute, or relative to the state when the command runs (so that the edges, such as
 * exactly the available units or one more, are hit often): `near` = -2..2 around the edge.
 */
type Amount = { absolute: number } | { near: number };

type Command =
  | { kind: 'receive'; warehouse: string; quantity: number; batch: string | null; wrongExpiry: boolean }
  | { kind: 'adjust'; warehouse: string; delta: Amount; batch: string | null }
  | { kind: 'transfer'; from: string; to: string; quantity: Amount }
  | { kind: 'reserve'; order: OrderRef; quantity: Amount; region: string | null }
  | { kind: 'release'; order: OrderRef }
  | { kind: 'ship'; order: OrderRef }
  | { kind: 'restock'; warehouse: string; quantity: number };

const amount = (min: number, max: number): fc.Arbitrary<Amount> =>
  fc.oneof(
    fc.record({ absolute: fc.integer({ min, max }) }),
    fc.record({ near: fc.integer({ min: -2, max: 2 }) }),
  );

/** The number an amount stands for, given the edge it is relative to. */
const resolve = (a: Amount, edge: number) => ('absolute' in a ? a.absolute : edge + a.near);

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('receive' as const),
    warehouse,
    quantity: fc.integer({ min: 1, max: 40 }),
    batch,
    wrongExpiry: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('adjust' as const),
    warehouse,
    delta: amount(-50, 50),
    batch,
  }),
  fc.record({
    kind: fc.constant('transfer' as const),
    from: warehouse,
    to: warehouse,
    quantity: amount(1, 60),
  }),
  fc.record({
    kind: fc.constant('reserve' as const),
    order: orderRef,
    quantity: amount(1, 50),
    region: fc.option(fc.constantFrom('Shanghai', 'Beijing', 'Guangdong', 'Tibet'), { nil: null }),
  }),
  fc.record({ kind: fc.constant('release' as const), order: openOrderRef }),
  fc.record({ kind: fc.constant('ship' as const), order: openOrderRef }),
  fc.record({ kind: fc.constant('restock' as const), warehouse, quantity: fc.integer({ min: 1, max: 10 }) }),
);

let orderCounter = 0;
function orderIdOf(state: StockItemState, ref: OrderRef): string {
  const open = [...eachAllocation(state.allocations)].map(([id]) => id);
  if ('open' in ref && open.length > 0) return open[ref.open % open.length];
  return `o${++orderCounter}`;
}

/**
 * Resolves relative amounts and order references against the state: the adjustment edge is
 * "down to the reserved units", the transfer and reservation edges are the available units.
 */
function concrete(state: StockItemState, c: Command) {
  switch (c.kind) {
    case 'release':
    case 'ship':
      return { ...c, orderId: orderIdOf(state, c.order) };
    case 'adjust': {
      const stock = warehouseStock(state, c.warehouse);
      return { ...c, delta: resolve(c.delta, stock.reserved - stock.onHand) };
    }
    case 'transfer':
      return { ...c, quantity: resolve(c.quantity, availableIn(state, c.from)) };
    case 'reserve':
      return {
        ...c,
        orderId: orderIdOf(state, c.order),
        quantity: resolve(c.quantity, totalsOf(state).available),
      };
    default:
      return c;
  }
}
type Concrete = ReturnType<typeof concrete>;

function decide(state: StockItemState, c: Concrete): StockItemEvent[] {
  switch (c.kind) {
    case 'receive':
      return receiveStock(state, {
        sku,
        warehouse: c.warehouse,
        quantity: c.quantity,
        batch: c.batch,
        expiresAt:
          c.batch === null
            ? null
            : c.wrongExpiry
              ? '2030-12-31T00:00:00.000Z'
              : (BATCH_EXPIRY[c.batch] ?? null),
      });
    case 'adjust':
      return adjustStock(state, {
        sku,
        warehouse: c.warehouse,
        delta: c.delta,
        reason: 'cycle count',
        batch: c.batch,
      });
    case 'transfer':
      return transferStock(state, { sku, from: c.from, to: c.to, quantity: c.quantity });
    case 'reserve': {
      const plan = planAllocation(state, {
        quantity: c.quantity,
        shippingRegion: c.region,
        regionOf: (code) => REGIONS[code],
      });
      if (!plan.ok) {
        expect(plan.available).toBe(totalsOf(state).available);
        expect(plan.available).toBeLessThan(c.quantity);
        return [];
      }
      expect(plan.allocations.reduce((sum, a) => sum + a.quantity, 0)).toBe(c.quantity);
      return allocateStock(state, { sku, orderId: c.orderId, allocations: plan.allocations });
    }
    case 'release':
      return deallocateStock(state, { sku, orderId: c.orderId, reason: 'ORDER_CANCELLED' });
    case 'ship':
      return deductStock(state, { sku, orderId: c.orderId });
    case 'restock':
      return restockStock(state, {
        sku,
        orderId: 'o-returned',
        returnId: 'r',
        warehouse: c.warehouse,
        quantity: c.quantity,
      });
  }
}

/** Plain checks (not expect) because they run for every step of every run. */
function ensure(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}

function checkInvariant(state: StockItemState): void {
  const reservedByAllocations = new Map<string, number>();
  let orders = 0;
  for (const [, allocations] of eachAllocation(state.allocations)) {
    orders++;
    for (const a of allocations)
      reservedByAllocations.set(a.warehouse, (reservedByAllocations.get(a.warehouse) ?? 0) + a.quantity);
  }
  ensure(state.openOrders === orders, () => `openOrders ${state.openOrders} but ${orders} orders hold stock`);
  for (const [code, stock] of Object.entries(state.warehouses)) {
    const where = () => `${code}: ${JSON.stringify(stock)}`;
    ensure(
      0 <= stock.reserved && stock.reserved <= stock.onHand,
      () => `0 <= reserved <= onHand broken in ${where()}`,
    );
    ensure(
      stock.reserved === (reservedByAllocations.get(code) ?? 0),
      () => `reserved differs from the allocations in ${where()}`,
    );
    ensure(
      stock.batches.reduce((sum, b) => sum + b.quantity, 0) === stock.onHand,
      () => `batches do not add up in ${where()}`,
    );
    ensure(
      stock.batches.every((b) => b.quantity > 0),
      () => `empty batch kept in ${where()}`,
    );
    for (let i = 1; i < stock.batches.length; i++) {
      ensure(
        fefoCompare(stock.batches[i - 1], stock.batches[i]) < 0,
        () => `batches out of FEFO order in ${where()}`,
      );
    }
  }
}

describe('StockItem invariant (property)', () => {
  it('keeps 0 <= reserved <= onHand for every warehouse, or refuses the command with a clear reason', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 50, size: 'max' }), (commands) => {
        let state: StockItemState = initialStockItemState;
        let expectedOnHand = 0;
        for (const generated of commands) {
          const c = concrete(state, generated);
          if (
            (c.kind === 'adjust' && c.delta === 0) ||
            (c.kind !== 'adjust' && 'quantity' in c && c.quantity < 1)
          )
            continue;
          const before = state;
          let events: StockItemEvent[];
          try {
            events = decide(state, c);
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect((error as Error).message.length).toBeGreaterThan(10);
            expect(state).toBe(before);
            expectRefusalWasRight(state, c, error as DomainError);
            continue;
          }
          state = foldEvents(StockItemAggregate, events, state);
          checkInvariant(state);
          for (const event of events) {
            if (event.type === 'StockPolicyChanged') continue;
            const totals = JSON.stringify(totalsOf(state));
            ensure(
              JSON.stringify(event.data.totals) === totals,
              () => `event totals ${JSON.stringify(event.data.totals)} != ${totals}`,
            );
            for (const level of event.data.levels) {
              const actual = JSON.stringify(levelOf(state, level.warehouse));
              ensure(
                JSON.stringify(level) === actual,
                () => `event level ${JSON.stringify(level)} != ${actual}`,
              );
            }
            // The batches an event names add up to the units it moves, and each was there to take.
            if (event.type === 'StockAdjusted' || event.type === 'StockTransferred') {
              const moved = event.type === 'StockAdjusted' ? Math.abs(event.data.delta) : event.data.quantity;
              const named = event.data.batches ?? [];
              ensure(
                named.reduce((sum, b) => sum + b.quantity, 0) === moved,
                () => `${event.type} batches ${JSON.stringify(named)} do not add up to ${moved}`,
              );
            }
            if (event.type === 'StockReceived') expectedOnHand += event.data.quantity;
            if (event.type === 'StockAdjusted') expectedOnHand += event.data.delta;
            if (event.type === 'StockRestocked') expectedOnHand += event.data.quantity;
            if (event.type === 'StockDeducted')
              expectedOnHand -= event.data.allocations.reduce((s, a) => s + a.quantity, 0);
          }
          if (c.kind === 'transfer') {
            expect(totalsOf(state).onHand).toBe(totalsOf(before).onHand);
            expect(warehouseStock(state, c.from).onHand).toBe(
              warehouseStock(before, c.from).onHand - c.quantity,
            );
          }
        }
        expect(totalsOf(state).onHand).toBe(expectedOnHand);
        // The state is its own snapshot: plain JSON.
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
      { numRuns: 600 },
    );
  });
});

/** A refusal must be for the reason the rules give, not an accident. */
function expectRefusalWasRight(state: StockItemState, c: Concrete, error: DomainError): void {
  switch (c.kind) {
    case 'receive':
      expect(error.code).toBe('BATCH_EXPIRY_MISMATCH');
      return;
    case 'adjust': {
      const stock = warehouseStock(state, c.warehouse);
      const batchRule = ['UNKNOWN_BATCH', 'BATCH_TOO_SMALL'].includes(error.code ?? '');
      const levelRule = stock.onHand + c.delta < stock.reserved || stock.onHand + c.delta < 0;
      expect(batchRule || levelRule).toBe(true);
      return;
    }
    case 'transfer':
      expect(c.from === c.to || c.quantity > availableIn(state, c.from)).toBe(true);
      return;
    case 'reserve':
      expect(error.code).toBe('ALREADY_ALLOCATED');
      expect(allocationsOf(state.allocations, c.orderId)).toBeDefined();
      return;
    default:
      throw new Error(`${c.kind} must never be refused: ${error.message}`);
  }
}
