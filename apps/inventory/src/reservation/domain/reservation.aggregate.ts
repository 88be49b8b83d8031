import type { DomainEventOf } from '@ecom/contracts';
import type { AggregateDefinition } from '@ecom/event-sourcing/domain';

export type ReservationEvent =
  | DomainEventOf<'StockReserved'>
  | DomainEventOf<'StockReservationRejected'>
  | DomainEventOf<'StockReleased'>
  | DomainEventOf<'StockShipped'>
  | DomainEventOf<'StockReturned'>;

export type ReservationLine = DomainEventOf<'StockReserved'>['data']['lines'][number];

/**
 * NONE: no decision yet. RESERVED: every line holds stock. REJECTED: some line was short, nothing
 * held. RELEASED: the held stock went back to available. SHIPPED: the held stock left with the order.
 */
export type ReservationStatus = 'NONE' | 'RESERVED' | 'REJECTED' | 'RELEASED' | 'SHIPPED';

/** The stock side of one order (aggregate id = order id): the saga-facing outcome orders consumes. */
export interface ReservationState {
  orderId: string | null;
  status: ReservationStatus;
  /** What is (or was) held: sku, warehouse, quantity; what shipped once SHIPPED. */
  lines: ReservationLine[];
  /** Units put back on-hand by returns, by sku and warehouse. */
  returned: ReservationLine[];
  returnIds: string[];
}

export const initialReservationState: ReservationState = {
  orderId: null,
  status: 'NONE',
  lines: [],
  returned: [],
  returnIds: [],
};

function addLines(into: readonly ReservationLine[], lines: readonly ReservationLine[]): ReservationLine[] {
  const result = into.map((l) => ({ ...l }));
  for (const line of lines) {
    const existing = result.find((l) => l.sku === line.sku && l.warehouse === line.warehouse);
    if (existing) existing.quantity += line.quantity;
    else result.push({ ...line });
  }
  return result;
}

export function evolveReservation(state: ReservationState, event: ReservationEvent): ReservationState {
  const base = { ...state, orderId: event.data.orderId };
  switch (event.type) {
    case 'StockReserved':
      return { ...base, status: 'RESERVED', lines: event.data.lines.map((l) => ({ ...l })) };
    case 'StockReservationRejected':
      return { ...base, status: 'REJECTED' };
    case 'StockReleased':
      return { ...base, status: 'RELEASED' };
    case 'StockShipped':
      // What shipped, by SKU and warehouse (returns go back there); the batches are for readers of the topic.
      return {
        ...base,
        status: 'SHIPPED',
        lines: event.data.lines.map(({ sku, warehouse, quantity }) => ({ sku, warehouse, quantity })),
      };
    case 'StockReturned':
      return {
        ...base,
        returned: addLines(state.returned, event.data.lines),
        returnIds: [...state.returnIds, event.data.returnId],
      };
  }
}

export const ReservationAggregate: AggregateDefinition<ReservationState, ReservationEvent> = {
  type: 'Reservation',
  initialState: initialReservationState,
  evolve: evolveReservation,
};
