import type { DomainEventOf } from '@ecom/contracts';
import { BusinessRuleError, ConflictError, InvalidCommandError } from '@ecom/event-sourcing/domain';
import { batchQuantity, takeFefo } from './batches';
import { allocationsOf, WarehouseAllocation } from './order-allocations';
import {
  availableIn,
  evolveStockItem,
  levelOf,
  StockItemEvent,
  StockItemState,
  totalsOf,
  WarehouseStock,
  warehouseStock,
} from './stock-item.aggregate';

type BatchMovement = NonNullable<DomainEventOf<'StockAdjusted'>['data']['batches']>[number];

/*
 * Decisions on one SKU: (state, command) => events, or a DomainError saying why not. Every event
 * carries the post-change levels of the warehouses it touched and the SKU totals, computed by
 * applying the event to the state with the same evolve the aggregate uses.
 */

type Unleveled<E extends StockItemEvent> = E extends { data: infer D }
  ? { type: E['type']; data: Omit<D, 'levels' | 'totals'> }
  : never;

function withLevels<E extends StockItemEvent>(
  state: StockItemState,
  draft: Unleveled<E>,
  touched: string[],
): E {
  const provisional = {
    ...draft,
    data: { ...draft.data, levels: [], totals: { onHand: 0, reserved: 0, available: 0 } },
  } as unknown as E;
  const next = evolveStockItem(state, provisional);
  return {
    ...provisional,
    data: {
      ...provisional.data,
      levels: [...new Set(touched)].map((code) => levelOf(next, code)),
      totals: totalsOf(next),
    },
  } as E;
}

function positiveInteger(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidCommandError(`${field} must be a positive integer`);
}

function normaliseTimestamp(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidCommandError(`${field} must be an ISO-8601 date-time`);
  return new Date(time).toISOString();
}

/** The expiry a batch code already has anywhere in this SKU's stock (a lot has one expiry). */
function knownExpiry(state: StockItemState, batch: string): { known: boolean; expiresAt: string | null } {
  for (const stock of Object.values(state.warehouses)) {
    const entry = stock.batches.find((b) => b.batch === batch);
    if (entry) return { known: true, expiresAt: entry.expiresAt };
  }
  return { known: false, expiresAt: null };
}

export interface ReceiveStock {
  sku: string;
  warehouse: string;
  quantity: number;
  batch?: string | null;
  expiresAt?: string | null;
}

export function receiveStock(state: StockItemState, command: ReceiveStock): DomainEventOf<'StockReceived'>[] {
  positiveInteger(command.quantity, 'quantity');
  const batch = command.batch ?? null;
  let expiresAt = command.expiresAt ? normaliseTimestamp(command.expiresAt, 'expiresAt') : null;
  if (expiresAt !== null && batch === null) throw new InvalidCommandError('expiresAt needs a batch');
  if (batch !== null) {
    const existing = knownExpiry(state, batch);
    if (existing.known) {
      if (expiresAt !== null && expiresAt !== existing.expiresAt) {
        throw new BusinessRuleError(
          `batch ${batch} of ${command.sku} expires at ${existing.expiresAt ?? 'no date'}, not ${expiresAt}`,
          'BATCH_EXPIRY_MISMATCH',
        );
      }
      expiresAt = existing.expiresAt;
    }
  }
  return [
    withLevels<DomainEventOf<'StockReceived'>>(
      state,
      {
        type: 'StockReceived',
        data: {
          sku: command.sku,
          warehouse: command.warehouse,
          quantity: command.quantity,
          batch,
          expiresAt,
        },
      },
      [command.warehouse],
    ),
  ];
}

export interface AdjustStock {
  sku: string;
  warehouse: string;
  delta: number;
  reason: string;
  batch?: string | null;
}

/**
 * Corrects on-hand stock. A removal names its batch or is taken in FEFO order; an addition goes to
 * the named batch (which must already be in the warehouse: new lots are received) or to unbatched stock.
 * Never below zero and never below what is reserved in that warehouse.
 */
export function adjustStock(state: StockItemState, command: AdjustStock): DomainEventOf<'StockAdjusted'>[] {
  const { sku, warehouse, delta } = command;
  if (!Number.isInteger(delta) || delta === 0)
    throw new InvalidCommandError('delta must be a non-zero integer');
  const reason = command.reason.trim();
  if (reason.length === 0 || reason.length > 200)
    throw new InvalidCommandError('reason must be 1 to 200 characters');
  const batch = command.batch ?? null;
  const stock = warehouseStock(state, warehouse);
  const onHand = stock.onHand + delta;
  if (onHand < 0) {
    throw new BusinessRuleError(
      `adjustment of ${delta} would take ${sku} in ${warehouse} below zero (on hand ${stock.onHand})`,
      'STOCK_BELOW_ZERO',
      { onHand: stock.onHand, delta },
    );
  }
  if (onHand < stock.reserved) {
    throw new BusinessRuleError(
      `adjustment of ${delta} would take ${sku} in ${warehouse} below its ${stock.reserved} reserved units ` +
        `(on hand ${stock.onHand})`,
      'STOCK_BELOW_RESERVED',
      { onHand: stock.onHand, reserved: stock.reserved, delta },
    );
  }
  if (batch !== null) {
    const inBatch = batchQuantity(stock.batches, batch);
    if (delta > 0 && !stock.batches.some((b) => b.batch === batch)) {
      throw new BusinessRuleError(
        `batch ${batch} is not in ${warehouse}: receive a new batch instead`,
        'UNKNOWN_BATCH',
      );
    }
    if (delta < 0 && inBatch < -delta) {
      throw new BusinessRuleError(
        `batch ${batch} holds ${inBatch} units of ${sku} in ${warehouse}, fewer than ${-delta}`,
        'BATCH_TOO_SMALL',
      );
    }
  }
  return [
    withLevels<DomainEventOf<'StockAdjusted'>>(
      state,
      {
        type: 'StockAdjusted',
        data: { sku, warehouse, delta, reason, batch, batches: adjustedBatches(stock, delta, batch) },
      },
      [warehouse],
    ),
  ];
}

/** The batches an adjustment moves: the named one (or unbatched stock), or for a nameless removal FEFO pieces. */
function adjustedBatches(stock: WarehouseStock, delta: number, batch: string | null): BatchMovement[] {
  if (delta > 0 || batch !== null) return [{ batch, quantity: Math.abs(delta) }];
  return takeFefo(stock.batches, -delta).taken.map((piece) => ({
    batch: piece.batch,
    quantity: piece.quantity,
  }));
}

export interface TransferStock {
  sku: string;
  from: string;
  to: string;
  quantity: number;
}

/** Moves available (unreserved) on-hand units, FEFO batches first, in one event: never in both, never in neither. */
export function transferStock(
  state: StockItemState,
  command: TransferStock,
): DomainEventOf<'StockTransferred'>[] {
  const { sku, from, to, quantity } = command;
  positiveInteger(quantity, 'quantity');
  if (from === to) throw new InvalidCommandError('from and to must be different warehouses');
  const available = availableIn(state, from);
  if (quantity > available) {
    throw new BusinessRuleError(
      `cannot transfer ${quantity} units of ${sku} from ${from}: only ${available} available`,
      'INSUFFICIENT_STOCK',
      { available, requested: quantity },
    );
  }
  return [
    withLevels<DomainEventOf<'StockTransferred'>>(
      state,
      {
        type: 'StockTransferred',
        data: {
          sku,
          from,
          to,
          quantity,
          batches: takeFefo(warehouseStock(state, from).batches, quantity).taken.map((piece) => ({
            batch: piece.batch,
            quantity: piece.quantity,
          })),
        },
      },
      [from, to],
    ),
  ];
}

export interface ChangeStockPolicy {
  sku: string;
  safetyStock: number;
  leadTimeDays?: number | null;
}

/** Sets safety stock and lead time; setting the current values again appends nothing. */
export function changeStockPolicy(
  state: StockItemState,
  command: ChangeStockPolicy,
): DomainEventOf<'StockPolicyChanged'>[] {
  const leadTimeDays = command.leadTimeDays ?? null;
  if (!Number.isInteger(command.safetyStock) || command.safetyStock < 0) {
    throw new InvalidCommandError('safetyStock must be an integer >= 0');
  }
  if (leadTimeDays !== null && (!Number.isInteger(leadTimeDays) || leadTimeDays < 0)) {
    throw new InvalidCommandError('leadTimeDays must be an integer >= 0');
  }
  if (state.sku !== null && state.safetyStock === command.safetyStock && state.leadTimeDays === leadTimeDays)
    return [];
  return [
    {
      type: 'StockPolicyChanged',
      data: { sku: command.sku, safetyStock: command.safetyStock, leadTimeDays },
    },
  ];
}

/** Where an order's units of this SKU would come from, or how many are available when too few. */
export type AllocationPlan =
  { ok: true; allocations: WarehouseAllocation[] } | { ok: false; available: number };

export interface AllocationRequest {
  /** Units of the SKU the order wants (its lines of the SKU summed). */
  quantity: number;
  /** The order's shipping region (province or country); warehouses in it are preferred. */
  shippingRegion: string | null;
  /** The region of a warehouse, from the warehouse directory (null when it has none). */
  regionOf(warehouse: string): string | null | undefined;
}

/**
 * The warehouse rule of a reservation line (documented in apps/inventory/README.md):
 *  - rank the SKU's warehouses with available units: those in the order's shipping region first
 *    (case-insensitive match), then by most available, then by code;
 *  - if one warehouse can supply the whole line, take it all from the first such warehouse in that
 *    ranking (a line is never split when it does not have to be);
 *  - otherwise split the line, taking from the warehouses in ranking order until it is filled;
 *  - if all warehouses together have too few, the line is short.
 */
export function planAllocation(state: StockItemState, request: AllocationRequest): AllocationPlan {
  const { quantity } = request;
  const region = request.shippingRegion?.trim().toLowerCase() || null;
  const candidates = Object.keys(state.warehouses)
    .map((code) => ({
      code,
      available: availableIn(state, code),
      local: region !== null && (request.regionOf(code)?.trim().toLowerCase() ?? null) === region,
    }))
    .filter((c) => c.available > 0)
    .sort(
      (a, b) => Number(b.local) - Number(a.local) || b.available - a.available || (a.code < b.code ? -1 : 1),
    );
  const total = candidates.reduce((sum, c) => sum + c.available, 0);
  if (total < quantity) return { ok: false, available: total };
  const whole = candidates.find((c) => c.available >= quantity);
  if (whole) return { ok: true, allocations: [{ warehouse: whole.code, quantity }] };
  const allocations: WarehouseAllocation[] = [];
  let wanted = quantity;
  for (const c of candidates) {
    const take = Math.min(wanted, c.available);
    allocations.push({ warehouse: c.code, quantity: take });
    wanted -= take;
    if (wanted === 0) break;
  }
  return { ok: true, allocations };
}

export interface AllocateStock {
  sku: string;
  orderId: string;
  allocations: readonly WarehouseAllocation[];
}

/** Reserves units for an order in the given warehouses; refused if any warehouse has too few available. */
export function allocateStock(
  state: StockItemState,
  command: AllocateStock,
): DomainEventOf<'StockAllocated'>[] {
  const { sku, orderId } = command;
  if (command.allocations.length === 0)
    throw new InvalidCommandError('an allocation needs at least one warehouse');
  if (allocationsOf(state.allocations, orderId)) {
    throw new ConflictError(`order ${orderId} already holds an allocation of ${sku}`, 'ALREADY_ALLOCATED');
  }
  const wanted = new Map<string, number>();
  for (const a of command.allocations) {
    positiveInteger(a.quantity, 'allocation quantity');
    wanted.set(a.warehouse, (wanted.get(a.warehouse) ?? 0) + a.quantity);
  }
  for (const [code, quantity] of wanted) {
    const available = availableIn(state, code);
    if (quantity > available) {
      throw new BusinessRuleError(
        `cannot reserve ${quantity} units of ${sku} in ${code}: only ${available} available`,
        'INSUFFICIENT_STOCK',
        { available, requested: quantity },
      );
    }
  }
  return [
    withLevels<DomainEventOf<'StockAllocated'>>(
      state,
      {
        type: 'StockAllocated',
        data: { sku, orderId, allocations: command.allocations.map((a) => ({ ...a })) },
      },
      [...wanted.keys()],
    ),
  ];
}

export type ReleaseReason = DomainEventOf<'StockDeallocated'>['data']['reason'];

/** Returns an order's reserved units to available; nothing when the order holds none of this SKU. */
export function deallocateStock(
  state: StockItemState,
  command: { sku: string; orderId: string; reason: ReleaseReason },
): DomainEventOf<'StockDeallocated'>[] {
  const held = allocationsOf(state.allocations, command.orderId);
  if (!held) return [];
  return [
    withLevels<DomainEventOf<'StockDeallocated'>>(
      state,
      {
        type: 'StockDeallocated',
        data: {
          sku: command.sku,
          orderId: command.orderId,
          reason: command.reason,
          allocations: held.map((a) => ({ ...a })),
        },
      },
      held.map((a) => a.warehouse),
    ),
  ];
}

/**
 * Takes an order's reserved units off on-hand for its shipment, in each warehouse first-expiring
 * batch first (then batches without expiry, then unbatched stock). Nothing when the order holds none.
 */
export function deductStock(
  state: StockItemState,
  command: { sku: string; orderId: string },
): DomainEventOf<'StockDeducted'>[] {
  const held = allocationsOf(state.allocations, command.orderId);
  if (!held) return [];
  const pieces: { warehouse: string; quantity: number; batch: string | null }[] = [];
  for (const [code, quantity] of sumHeld(held)) {
    for (const piece of takeFefo(warehouseStock(state, code).batches, quantity).taken) {
      pieces.push({ warehouse: code, quantity: piece.quantity, batch: piece.batch });
    }
  }
  return [
    withLevels<DomainEventOf<'StockDeducted'>>(
      state,
      { type: 'StockDeducted', data: { sku: command.sku, orderId: command.orderId, allocations: pieces } },
      held.map((a) => a.warehouse),
    ),
  ];
}

function sumHeld(held: readonly WarehouseAllocation[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const a of held) sums.set(a.warehouse, (sums.get(a.warehouse) ?? 0) + a.quantity);
  return sums;
}

/** Puts returned units back on-hand (as unbatched stock: the lot of a returned unit is not tracked). */
export function restockStock(
  state: StockItemState,
  command: { sku: string; orderId: string; returnId: string; warehouse: string; quantity: number },
): DomainEventOf<'StockRestocked'>[] {
  positiveInteger(command.quantity, 'quantity');
  return [
    withLevels<DomainEventOf<'StockRestocked'>>(
      state,
      {
        type: 'StockRestocked',
        data: {
          sku: command.sku,
          orderId: command.orderId,
          returnId: command.returnId,
          warehouse: command.warehouse,
          quantity: command.quantity,
        },
      },
      [command.warehouse],
    ),
  ];
}
