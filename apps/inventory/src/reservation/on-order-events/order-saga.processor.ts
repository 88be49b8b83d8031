import type { EnvelopeOf } from '@ecom/contracts';
import {
  CommandSession,
  DomainError,
  EventBatchOutcome,
  reactionContext,
  TrackedAggregates,
} from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { Counter, Histogram, register } from 'prom-client';
import { StockItemAggregate } from '../../stock/domain/stock-item.aggregate';
import { AvailabilityCache } from '../../stock/read-model/availability-cache';
import { WarehouseDirectory } from '../../warehouse/read-model/warehouse-directory';
import { ReservationAggregate, ReservationEvent, ReservationState } from '../domain/reservation.aggregate';
import {
  releaseOrder,
  releaseReasonOf,
  reserveOrder,
  ReservingState,
  returnOrder,
  SagaDecision,
  shipOrder,
} from '../domain/reservation.decisions';

export const ORDER_EVENT_TYPES = ['OrderPlaced', 'OrderCancelled', 'OrderShipped', 'ReturnReceived'] as const;
export type OrderEvent = EnvelopeOf<(typeof ORDER_EVENT_TYPES)[number]>;

const metrics = {
  decisions:
    (register.getSingleMetric('inventory_saga_decisions_total') as Counter<string>) ??
    new Counter({
      name: 'inventory_saga_decisions_total',
      help: 'Stock decisions of the order saga by outcome (reserved, rejected, released, shipped, returned, refused)',
      labelNames: ['outcome'],
    }),
  batchSize:
    (register.getSingleMetric('inventory_saga_batch_events') as Histogram<string>) ??
    new Histogram({
      name: 'inventory_saga_batch_events',
      help: 'Order events applied per consumer batch',
      buckets: [1, 5, 10, 50, 100, 250, 500, 1000, 2500],
    }),
};

const OUTCOMES: Record<ReservationEvent['type'], string> = {
  StockReserved: 'reserved',
  StockReservationRejected: 'rejected',
  StockReleased: 'released',
  StockShipped: 'shipped',
  StockReturned: 'returned',
};

/** A decision needed the region of a warehouse this replica has not read yet (a new warehouse). */
class WarehouseRegionNotRead extends Error {
  constructor(readonly code: string) {
    super(`the region of warehouse ${code} has not been read yet`);
  }
}

/**
 * The stock side of the order saga, one consumer batch at a time (the batch's events are in
 * partition order and new: the consumer filtered redeliveries), in the batch's session:
 *  1. track the Reservation of every order in the batch and, locked, every SKU they touch (a hot
 *     SKU is loaded once per batch);
 *  2. decide each event in order, in memory, on the states the events before it left (so a SKU is
 *     never oversold), recording its SKU and Reservation events;
 *  3. the session appends everything recorded in one append before the commit (with snapshots),
 *     and the touched SKUs' cache entries are refreshed after it.
 * Every event keeps the correlation and causation of the order event behind it. A refused event
 * (DomainError) records nothing and goes to the DLQ. The SKU streams are locked, so only a
 * Reservation stream created meanwhile could conflict (its order's events all come through this
 * partition, so in practice never): the consumer then rolls the batch back and retries it.
 */
@Injectable()
export class OrderSagaProcessor {
  constructor(
    private readonly warehouses: WarehouseDirectory,
    private readonly availability: AvailabilityCache,
  ) {}

  async process(events: OrderEvent[], session: CommandSession): Promise<EventBatchOutcome> {
    const reservations = await session.track(
      ReservationAggregate,
      events.map((event) => event.data.orderId),
    );
    const stock = await session.track(StockItemAggregate, skusTouchedBy(events, reservations), {
      lock: true,
    });
    let regions = await this.warehouses.regions([], session.sql);
    const refused: { eventId: string; error: Error }[] = [];
    const touched = new Set<string>();
    for (const event of events) {
      const orderId = event.data.orderId;
      let decision: SagaDecision | undefined;
      // A warehouse created since the regions were read has them read again, once per event.
      for (let attempt = 1; !decision; attempt++) {
        const state: ReservingState = {
          reservation: reservations.state(orderId),
          stockOf: (sku) => stock.state(sku),
          regionOf: (code) => {
            if (attempt === 1 && !regions.has(code)) throw new WarehouseRegionNotRead(code);
            return regions.get(code);
          },
        };
        try {
          decision = decide(state, event);
        } catch (error) {
          if (error instanceof WarehouseRegionNotRead && attempt === 1) {
            regions = await this.warehouses.regions([error.code], session.sql);
            continue;
          }
          if (!(error instanceof DomainError)) throw error;
          refused.push({ eventId: event.id, error });
          break;
        }
      }
      if (!decision) continue;
      const context = reactionContext(event);
      for (const share of decision.stock) {
        stock.record(share.sku, share.events, context);
        if (share.events.length > 0) touched.add(share.sku);
      }
      reservations.record(orderId, decision.reservation, context);
      for (const decided of decision.reservation) metrics.decisions.inc({ outcome: OUTCOMES[decided.type] });
    }
    if (touched.size > 0) {
      session.afterCommit(AvailabilityCache.REFRESH_KEY, (sql) =>
        this.availability.refresh([...touched], sql),
      );
    }
    if (refused.length > 0) metrics.decisions.inc({ outcome: 'refused' }, refused.length);
    metrics.batchSize.observe(events.length);
    return { refused };
  }
}

/** Every SKU a decision of the batch may read: the lines of its orders' events and reservations. */
function skusTouchedBy(
  events: OrderEvent[],
  reservations: TrackedAggregates<ReservationState, ReservationEvent>,
): string[] {
  const skus = new Set<string>();
  for (const event of events) {
    for (const line of reservations.state(event.data.orderId).lines) skus.add(line.sku);
    if (event.type === 'OrderPlaced' || event.type === 'ReturnReceived') {
      for (const line of event.data.lines) skus.add(line.sku);
    }
  }
  return [...skus];
}

function decide(state: ReservingState, event: OrderEvent): SagaDecision {
  switch (event.type) {
    case 'OrderPlaced':
      return reserveOrder(state, {
        orderId: event.data.orderId,
        lines: event.data.lines,
        shippingRegion: event.data.shippingRegion,
      });
    case 'OrderCancelled':
      return releaseOrder(state, { orderId: event.data.orderId, reason: releaseReasonOf(event.data) });
    case 'OrderShipped':
      return shipOrder(state, { orderId: event.data.orderId });
    case 'ReturnReceived':
      return returnOrder(state, {
        orderId: event.data.orderId,
        returnId: event.data.returnId,
        lines: event.data.lines,
      });
  }
}
