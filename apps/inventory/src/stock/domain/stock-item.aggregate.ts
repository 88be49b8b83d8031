import type { DomainEventOf } from '@ecom/contracts';
import type { AggregateDefinition } from '@ecom/event-sourcing/domain';
import { addToBatch, BatchStock, takeBatches, takeFefo, takeFromBatch } from './batches';
import {
  allocationsOf,
  NO_ALLOCATIONS,
  OrderAllocations,
  WarehouseAllocation,
  withAllocations,
  withoutAllocations,
} from './order-allocations';

export type StockItemEvent =
  | DomainEventOf<'StockReceived'>
  | DomainEventOf<'StockAdjusted'>
  | DomainEventOf<'StockTransferred'>
  | DomainEventOf<'StockPolicyChanged'>
  | DomainEventOf<'StockAllocated'>
  | DomainEventOf<'StockDeallocated'>
  | DomainEventOf<'StockDeducted'>
  | DomainEventOf<'StockRestocked'>;

export const STOCK_ITEM_EVENT_TYPES = [
  'StockReceived',
  'StockAdjusted',
  'StockTransferred',
  'StockPolicyChanged',
  'StockAllocated',
  'StockDeallocated',
  'StockDeducted',
  'StockRestocked',
] as const satisfies readonly StockItemEvent['type'][];

/** Stock of the SKU in one warehouse. Invariant: 0 <= reserved <= onHand = sum of the batches. */
export interface WarehouseStock {
  onHand: number;
  reserved: number;
  batches: readonly BatchStock[];
}

export interface StockLevelView {
  warehouse: string;
  onHand: number;
  reserved: number;
  available: number;
}

/**
 * One SKU over every warehouse: on-hand stock by batch, reserved units, the per-order allocations
 * behind them, and the replenishment policy (safety stock, lead time).
 */
export interface StockItemState {
  sku: string | null;
  /** By warehouse code; a warehouse appears once stock of the SKU was received into it. */
  warehouses: Readonly<Record<string, WarehouseStock>>;
  safetyStock: number;
  leadTimeDays: number | null;
  allocations: OrderAllocations;
  /** Orders holding an allocation (the number of entries in `allocations`). */
  openOrders: number;
}

export const EMPTY_WAREHOUSE: WarehouseStock = { onHand: 0, reserved: 0, batches: [] };

export const initialStockItemState: StockItemState = {
  sku: null,
  warehouses: {},
  safetyStock: 0,
  leadTimeDays: null,
  allocations: NO_ALLOCATIONS,
  openOrders: 0,
};

export function warehouseStock(state: StockItemState, code: string): WarehouseStock {
  return state.warehouses[code] ?? EMPTY_WAREHOUSE;
}

export function availableIn(state: StockItemState, code: string): number {
  const stock = warehouseStock(state, code);
  return stock.onHand - stock.reserved;
}

export function levelOf(state: StockItemState, code: string): StockLevelView {
  const { onHand, reserved } = warehouseStock(state, code);
  return { warehouse: code, onHand, reserved, available: onHand - reserved };
}

export function totalsOf(state: StockItemState): { onHand: number; reserved: number; available: number } {
  let onHand = 0;
  let reserved = 0;
  for (const stock of Object.values(state.warehouses)) {
    onHand += stock.onHand;
    reserved += stock.reserved;
  }
  return { onHand, reserved, available: onHand - reserved };
}

function withWarehouse(state: StockItemState, code: string, stock: WarehouseStock): StockItemState {
  return { ...state, warehouses: { ...state.warehouses, [code]: stock } };
}

function changeWarehouse(
  state: StockItemState,
  code: string,
  change: (stock: WarehouseStock) => WarehouseStock,
): StockItemState {
  return withWarehouse(state, code, change(warehouseStock(state, code)));
}

function sumByWarehouse(allocations: readonly WarehouseAllocation[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const a of allocations) sums.set(a.warehouse, (sums.get(a.warehouse) ?? 0) + a.quantity);
  return sums;
}

/**
 * Applies one event. Quantities come from the event's own fields (quantity, delta, allocations);
 * `levels` and `totals` are what the decision computed from the same rules, for readers of the topic.
 */
export function evolveStockItem(current: StockItemState, event: StockItemEvent): StockItemState {
  const state = current.sku === null ? { ...current, sku: event.data.sku } : current;
  switch (event.type) {
    case 'StockReceived': {
      const { warehouse, quantity, batch, expiresAt } = event.data;
      return changeWarehouse(state, warehouse, (stock) => ({
        ...stock,
        onHand: stock.onHand + quantity,
        batches: addToBatch(stock.batches, batch, expiresAt, quantity),
      }));
    }
    case 'StockAdjusted': {
      const { warehouse, delta, batch, batches: moved } = event.data;
      return changeWarehouse(state, warehouse, (stock) => {
        let batches: BatchStock[];
        if (moved) {
          // The event says which batches moved: apply exactly that.
          batches = moved.reduce<BatchStock[]>(
            (list, piece) =>
              delta > 0
                ? addToBatch(list, piece.batch, null, piece.quantity)
                : takeFromBatch(list, piece.batch, piece.quantity),
            [...stock.batches],
          );
        } else if (delta > 0) batches = addToBatch(stock.batches, batch, null, delta);
        else if (batch !== null) batches = takeFromBatch(stock.batches, batch, -delta);
        // Written before events named their batches: the removal was first-expiring first.
        else batches = takeFefo(stock.batches, -delta).batches;
        return { ...stock, onHand: stock.onHand + delta, batches };
      });
    }
    case 'StockTransferred': {
      const { from, to, quantity } = event.data;
      const source = warehouseStock(state, from);
      const { batches, taken } = event.data.batches
        ? takeBatches(source.batches, event.data.batches)
        : takeFefo(source.batches, quantity);
      const moved = withWarehouse(state, from, { ...source, onHand: source.onHand - quantity, batches });
      return changeWarehouse(moved, to, (stock) => ({
        ...stock,
        onHand: stock.onHand + quantity,
        batches: taken.reduce(
          (list, piece) => addToBatch(list, piece.batch, piece.expiresAt, piece.quantity),
          stock.batches,
        ),
      }));
    }
    case 'StockPolicyChanged':
      return { ...state, safetyStock: event.data.safetyStock, leadTimeDays: event.data.leadTimeDays };
    case 'StockAllocated': {
      let next = state;
      for (const [code, quantity] of sumByWarehouse(event.data.allocations)) {
        next = changeWarehouse(next, code, (stock) => ({ ...stock, reserved: stock.reserved + quantity }));
      }
      const had = allocationsOf(next.allocations, event.data.orderId) !== undefined;
      return {
        ...next,
        allocations: withAllocations(next.allocations, event.data.orderId, event.data.allocations),
        openOrders: next.openOrders + (had ? 0 : 1),
      };
    }
    case 'StockDeallocated': {
      let next = state;
      for (const [code, quantity] of sumByWarehouse(event.data.allocations)) {
        next = changeWarehouse(next, code, (stock) => ({ ...stock, reserved: stock.reserved - quantity }));
      }
      return withoutOrder(next, event.data.orderId);
    }
    case 'StockDeducted': {
      let next = state;
      for (const piece of event.data.allocations) {
        next = changeWarehouse(next, piece.warehouse, (stock) => ({
          onHand: stock.onHand - piece.quantity,
          reserved: stock.reserved - piece.quantity,
          batches: takeFromBatch(stock.batches, piece.batch, piece.quantity),
        }));
      }
      return withoutOrder(next, event.data.orderId);
    }
    case 'StockRestocked': {
      const { warehouse, quantity } = event.data;
      return changeWarehouse(state, warehouse, (stock) => ({
        ...stock,
        onHand: stock.onHand + quantity,
        batches: addToBatch(stock.batches, null, null, quantity),
      }));
    }
  }
}

function withoutOrder(state: StockItemState, orderId: string): StockItemState {
  if (allocationsOf(state.allocations, orderId) === undefined) return state;
  return {
    ...state,
    allocations: withoutAllocations(state.allocations, orderId),
    openOrders: state.openOrders - 1,
  };
}

export const StockItemAggregate: AggregateDefinition<StockItemState, StockItemEvent> = {
  type: 'StockItem',
  initialState: initialStockItemState,
  evolve: evolveStockItem,
  // A hot SKU's stream grows by two events per order (allocated, then deducted or deallocated).
  snapshotEvery: 100,
  snapshotSchemaVersion: 1,
};
