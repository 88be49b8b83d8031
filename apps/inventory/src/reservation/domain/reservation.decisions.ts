import type { DomainEventOf } from '@ecom/contracts';
import { BusinessRuleError, InvalidCommandError } from '@ecom/event-sourcing/domain';
import { evolveStockItem, StockItemEvent, StockItemState } from '../../stock/domain/stock-item.aggregate';
import {
  AllocationRequest,
  allocateStock,
  deallocateStock,
  deductStock,
  planAllocation,
  ReleaseReason,
  restockStock,
} from '../../stock/domain/stock-item.decisions';
import type { ReservationEvent, ReservationLine, ReservationState } from './reservation.aggregate';

/*
 * The decisions of the order saga's stock side. Each spans the order's Reservation and the StockItem
 * of every SKU involved, and is all or nothing: the caller appends the returned events of every
 * stream in one transaction (or none of them).
 */

export interface SagaDecision {
  /** Events per SKU stream, in order. */
  stock: { sku: string; events: StockItemEvent[] }[];
  /** Events of the order's Reservation stream. */
  reservation: ReservationEvent[];
}

export const NOTHING: SagaDecision = { stock: [], reservation: [] };

/** Current state of a SKU as the caller holds it (including earlier decisions of the same batch). */
export type StockLookup = (sku: string) => StockItemState;

/** What a saga decision reads: the order's Reservation and the current state of its SKUs. */
export interface SagaState {
  reservation: ReservationState;
  stockOf: StockLookup;
}

/** Reserving reads where the warehouses are too: an order prefers stock in its shipping region. */
export interface ReservingState extends SagaState {
  regionOf: AllocationRequest['regionOf'];
}

export interface ReserveOrder {
  orderId: string;
  lines: readonly { sku: string; quantity: number }[];
  shippingRegion: string | null;
}

export interface ReleaseOrder {
  orderId: string;
  reason: ReleaseReason;
}

export interface ShipOrder {
  orderId: string;
}

export interface ReturnOrder {
  orderId: string;
  returnId: string;
  lines: readonly { sku: string; quantity: number }[];
}

/** Sums quantities per SKU, in order of first appearance. */
function quantitiesBySku(lines: readonly { sku: string; quantity: number }[]): Map<string, number> {
  const bySku = new Map<string, number>();
  for (const line of lines) {
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      throw new InvalidCommandError(`line ${line.sku}: quantity must be a positive integer`);
    }
    bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  }
  return bySku;
}

/**
 * Reserves every line of an order or none: StockAllocated on each SKU and StockReserved, or only
 * StockReservationRejected listing the short lines. An order already decided gets nothing new.
 */
export function reserveOrder(
  { reservation, stockOf, regionOf }: ReservingState,
  command: ReserveOrder,
): SagaDecision {
  if (reservation.status !== 'NONE') return NOTHING;
  const bySku = quantitiesBySku(command.lines);
  if (bySku.size === 0) throw new InvalidCommandError(`order ${command.orderId} has no lines`);
  const planned: { sku: string; allocations: { warehouse: string; quantity: number }[] }[] = [];
  const shortLines: DomainEventOf<'StockReservationRejected'>['data']['shortLines'] = [];
  for (const [sku, requested] of bySku) {
    const plan = planAllocation(stockOf(sku), {
      quantity: requested,
      shippingRegion: command.shippingRegion,
      regionOf,
    });
    if (plan.ok) planned.push({ sku, allocations: plan.allocations });
    else shortLines.push({ sku, requested, available: plan.available });
  }
  if (shortLines.length > 0) {
    return {
      stock: [],
      reservation: [{ type: 'StockReservationRejected', data: { orderId: command.orderId, shortLines } }],
    };
  }
  const stock = planned.map(({ sku, allocations }) => ({
    sku,
    events: allocateStock(stockOf(sku), { sku, orderId: command.orderId, allocations }) as StockItemEvent[],
  }));
  const lines: ReservationLine[] = planned.flatMap(({ sku, allocations }) =>
    allocations.map((a) => ({ sku, warehouse: a.warehouse, quantity: a.quantity })),
  );
  return { stock, reservation: [{ type: 'StockReserved', data: { orderId: command.orderId, lines } }] };
}

/**
 * Why a cancelled order's stock goes back: PAYMENT_TIMEOUT when the system cancelled it for want of
 * payment (its reason mentions a timeout or being unpaid), ORDER_CANCELLED otherwise.
 */
export function releaseReasonOf(cancelled: {
  cancelledBy: 'customer' | 'operator' | 'system';
  reason: string | null;
}): ReleaseReason {
  return cancelled.cancelledBy === 'system' &&
    /time[\s_-]*out|timed[\s_-]*out|unpaid/i.test(cancelled.reason ?? '')
    ? 'PAYMENT_TIMEOUT'
    : 'ORDER_CANCELLED';
}

function skusOf(lines: readonly ReservationLine[]): string[] {
  return [...new Set(lines.map((l) => l.sku))];
}

/**
 * Releases a reserved order: StockDeallocated on each SKU and StockReleased. Nothing when nothing is
 * held (never reserved, rejected, or already released); refused when the stock already shipped.
 */
export function releaseOrder({ reservation, stockOf }: SagaState, command: ReleaseOrder): SagaDecision {
  if (reservation.status === 'SHIPPED') {
    throw new BusinessRuleError(
      `order ${command.orderId} already shipped: there is no reservation to release`,
      'ALREADY_SHIPPED',
    );
  }
  if (reservation.status !== 'RESERVED') return NOTHING;
  const stock = skusOf(reservation.lines).map((sku) => ({
    sku,
    events: deallocateStock(stockOf(sku), {
      sku,
      orderId: command.orderId,
      reason: command.reason,
    }) as StockItemEvent[],
  }));
  return {
    stock,
    reservation: [
      {
        type: 'StockReleased',
        data: { orderId: command.orderId, reason: command.reason, lines: reservation.lines },
      },
    ],
  };
}

/**
 * Ships a reserved order: StockDeducted on each SKU (first-expiring batch first) and StockShipped.
 * Nothing when it already shipped; refused when nothing is held for it (never reserved, rejected, released).
 */
export function shipOrder({ reservation, stockOf }: SagaState, command: ShipOrder): SagaDecision {
  if (reservation.status === 'SHIPPED') return NOTHING;
  if (reservation.status !== 'RESERVED') {
    throw new BusinessRuleError(
      `order ${command.orderId} holds no reserved stock to ship (reservation ${reservation.status})`,
      'NOTHING_RESERVED',
    );
  }
  const deducted = skusOf(reservation.lines).map((sku) => ({
    sku,
    events: deductStock(stockOf(sku), { sku, orderId: command.orderId }),
  }));
  return {
    stock: deducted,
    reservation: [
      {
        type: 'StockShipped',
        data: { orderId: command.orderId, lines: shippedLines(reservation.lines, deducted) },
      },
    ],
  };
}

type ShippedLine = DomainEventOf<'StockShipped'>['data']['lines'][number];

/**
 * The reservation's lines with the batches their units left from: the pieces StockDeducted took in
 * each SKU and warehouse (first-expiring first), handed out to the lines of that SKU and warehouse in order.
 */
function shippedLines(
  lines: readonly ReservationLine[],
  deducted: readonly { sku: string; events: DomainEventOf<'StockDeducted'>[] }[],
): ShippedLine[] {
  const left = new Map<string, { batch: string | null; quantity: number }[]>();
  for (const { sku, events } of deducted) {
    for (const piece of events.flatMap((e) => e.data.allocations)) {
      const key = `${sku}\u0000${piece.warehouse}`;
      left.set(key, [...(left.get(key) ?? []), { batch: piece.batch, quantity: piece.quantity }]);
    }
  }
  return lines.map((line) => {
    const pieces = left.get(`${line.sku}\u0000${line.warehouse}`) ?? [];
    const batches: { batch: string | null; quantity: number }[] = [];
    let wanted = line.quantity;
    while (wanted > 0 && pieces.length > 0) {
      const take = Math.min(wanted, pieces[0].quantity);
      batches.push({ batch: pieces[0].batch, quantity: take });
      wanted -= take;
      if (take === pieces[0].quantity) pieces.shift();
      else pieces[0] = { ...pieces[0], quantity: pieces[0].quantity - take };
    }
    if (wanted > 0)
      throw new Error(`internal: ${line.sku} in ${line.warehouse} deducted fewer units than held`);
    return { sku: line.sku, warehouse: line.warehouse, quantity: line.quantity, batches };
  });
}

/**
 * Puts the units of a received return back on-hand, into the warehouses they shipped from (in the
 * order of the shipped lines): StockRestocked per SKU and warehouse, and StockReturned. A return seen
 * before gets nothing; more units than shipped and not yet returned, or a SKU the order did not ship,
 * is refused.
 */
export function returnOrder({ reservation, stockOf }: SagaState, command: ReturnOrder): SagaDecision {
  if (reservation.returnIds.includes(command.returnId)) return NOTHING;
  if (reservation.status !== 'SHIPPED') {
    throw new BusinessRuleError(
      `order ${command.orderId} did not ship (reservation ${reservation.status}): nothing can be returned to stock`,
      'NOT_SHIPPED',
    );
  }
  const pieces: ReservationLine[] = [];
  for (const [sku, quantity] of quantitiesBySku(command.lines)) {
    let wanted = quantity;
    for (const shipped of reservation.lines.filter((l) => l.sku === sku)) {
      const returned =
        reservation.returned.find((r) => r.sku === sku && r.warehouse === shipped.warehouse)?.quantity ?? 0;
      const take = Math.min(wanted, shipped.quantity - returned);
      if (take <= 0) continue;
      pieces.push({ sku, warehouse: shipped.warehouse, quantity: take });
      wanted -= take;
      if (wanted === 0) break;
    }
    if (wanted > 0) {
      throw new BusinessRuleError(
        `return ${command.returnId} of order ${command.orderId} brings back ${quantity} units of ${sku}, ` +
          `more than shipped and not yet returned (${quantity - wanted})`,
        'RETURN_EXCEEDS_SHIPMENT',
      );
    }
  }
  if (pieces.length === 0) throw new InvalidCommandError(`return ${command.returnId} has no lines`);
  const stock: SagaDecision['stock'] = [];
  for (const sku of skusOf(pieces)) {
    let state = stockOf(sku);
    const events: StockItemEvent[] = [];
    for (const piece of pieces.filter((p) => p.sku === sku)) {
      const [event] = restockStock(state, {
        sku,
        orderId: command.orderId,
        returnId: command.returnId,
        warehouse: piece.warehouse,
        quantity: piece.quantity,
      });
      events.push(event);
      state = evolveStockItem(state, event);
    }
    stock.push({ sku, events });
  }
  return {
    stock,
    reservation: [
      {
        type: 'StockReturned',
        data: { orderId: command.orderId, returnId: command.returnId, lines: pieces },
      },
    ],
  };
}
