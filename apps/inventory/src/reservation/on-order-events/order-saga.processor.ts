import type { DomainEventOf, EventEnvelope } from '@ecom/contracts';
import {
  AggregateRepository,
  AppendToStream,
  DomainError,
  EventBatchOutcome,
  EventToAppend,
  LoadedAggregate,
  reactionContext,
  StreamVersionConflictError,
} from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { Counter, Histogram, register } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { StockItemAggregate, StockItemEvent, StockItemState } from '../../stock/domain/stock-item.aggregate';
import { WarehouseDirectory } from '../../warehouse/read-model/warehouse-directory';
import { ReservationAggregate, ReservationEvent, ReservationState } from '../domain/reservation.aggregate';
import {
  releaseOrder,
  releaseReasonOf,
  reserveOrder,
  returnOrder,
  SagaDecision,
  shipOrder,
} from '../domain/reservation.decisions';

export const ORDER_EVENT_TYPES = ['OrderPlaced', 'OrderCancelled', 'OrderShipped', 'ReturnReceived'] as const;
type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

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

interface Pending<TState> {
  loaded: LoadedAggregate<TState>;
  state: TState;
  events: EventToAppend[];
}

/**
 * The stock side of the order saga, one consumer batch at a time (the batch's events are in
 * partition order and new: IdempotentEventConsumer filtered redeliveries):
 *  1. load the Reservation of every order in the batch and, locking their stream rows in one global
 *     order, every SKU the batch touches (snapshot + tail, two queries for all of them);
 *  2. decide event after event in memory, each decision seeing the ones before it (so a hot SKU is
 *     loaded once and never oversold: each reservation is checked against the running state);
 *  3. append everything in one multi-stream append: one claim per SKU stream, however many orders
 *     touched it, StockAllocated & co. on the SKU streams and StockReserved & co. on the orders'
 *     Reservation streams, each event with the correlation and causation of the order event behind it.
 * A refused event (DomainError) leaves no trace in the append and goes to the DLQ. The SKU streams
 * are locked, so only a Reservation stream created meanwhile could conflict (its order's events all
 * come through this partition, so in practice never): the batch is then rolled back and retried.
 */
@Injectable()
export class OrderSagaProcessor {
  private readonly stock: AggregateRepository<StockItemState, StockItemEvent>;
  private readonly reservations: AggregateRepository<ReservationState, ReservationEvent>;

  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly warehouses: WarehouseDirectory,
  ) {
    this.stock = runtime.repository(StockItemAggregate);
    this.reservations = runtime.repository(ReservationAggregate);
  }

  async process(events: EventEnvelope[], tx: EntityManager): Promise<EventBatchOutcome> {
    try {
      return await this.processOnce(events, tx);
    } catch (error) {
      // Never let a conflict look like a poison message: a plain error rolls back and retries the batch.
      if (error instanceof StreamVersionConflictError)
        throw new Error(`order saga batch conflicted: ${error.message}`);
      throw error;
    }
  }

  private async processOnce(events: EventEnvelope[], tx: EntityManager): Promise<EventBatchOutcome> {
    const orderIds = [...new Set(events.map((e) => (e.data as { orderId: string }).orderId))];
    const reservations = toPending(await this.reservations.loadMany(tx, orderIds));
    const skus = new Set<string>();
    for (const event of events) {
      if (event.type === 'OrderPlaced' || event.type === 'ReturnReceived') {
        for (const line of (event.data as { lines: { sku: string }[] }).lines) skus.add(line.sku);
      }
      const reservation = reservations.get((event.data as { orderId: string }).orderId)!;
      for (const line of reservation.state.lines) skus.add(line.sku);
    }
    const stock = toPending(await this.stock.loadMany(tx, [...skus].sort(), { lock: true }));
    const codes = new Set([...stock.values()].flatMap((pending) => Object.keys(pending.state.warehouses)));
    const regions = await this.warehouses.regions(codes, tx);
    const stockOf = (sku: string) => {
      const pending = stock.get(sku);
      if (!pending) throw new Error(`internal: SKU ${sku} was not loaded for this batch`);
      return pending.state;
    };

    const refused: { eventId: string; error: Error }[] = [];
    for (const event of events) {
      const orderId = (event.data as { orderId: string }).orderId;
      const reservation = reservations.get(orderId)!;
      let decision: SagaDecision;
      try {
        decision = this.decide(event, reservation.state, stockOf, (code) => regions.get(code));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refused.push({ eventId: event.id, error });
        metrics.decisions.inc({ outcome: 'refused' });
        continue;
      }
      const context = reactionContext(event);
      for (const { sku, events: decided } of decision.stock) {
        const pending = stock.get(sku)!;
        for (const e of decided) {
          pending.state = StockItemAggregate.evolve(pending.state, e);
          pending.events.push({ ...e, context });
        }
      }
      for (const e of decision.reservation) {
        reservation.state = ReservationAggregate.evolve(reservation.state, e);
        reservation.events.push({ ...e, context });
        metrics.decisions.inc({ outcome: OUTCOMES[e.type] });
      }
    }

    const streams: AppendToStream[] = [
      ...streamsOf(StockItemAggregate.type, stock),
      ...streamsOf(ReservationAggregate.type, reservations),
    ];
    if (streams.length > 0) {
      await this.runtime.store.append(tx, streams, {
        correlationId: events[0].correlationId,
        causationId: events[0].id,
      });
      for (const [sku, pending] of stock) {
        if (pending.events.length === 0) continue;
        const before = pending.loaded.version;
        await this.stock.maybeSnapshot(tx, sku, before, before + pending.events.length, pending.state);
      }
    }
    metrics.batchSize.observe(events.length);
    return { refused };
  }

  private decide(
    event: EventEnvelope,
    reservation: ReservationState,
    stockOf: (sku: string) => StockItemState,
    regionOf: (code: string) => string | null | undefined,
  ): SagaDecision {
    switch (event.type as OrderEventType) {
      case 'OrderPlaced': {
        const data = event.data as DomainEventOf<'OrderPlaced'>['data'];
        return reserveOrder(
          reservation,
          { orderId: data.orderId, lines: data.lines, shippingRegion: data.shippingRegion },
          stockOf,
          regionOf,
        );
      }
      case 'OrderCancelled': {
        const data = event.data as DomainEventOf<'OrderCancelled'>['data'];
        return releaseOrder(reservation, { orderId: data.orderId, reason: releaseReasonOf(data) }, stockOf);
      }
      case 'OrderShipped':
        return shipOrder(
          reservation,
          { orderId: (event.data as DomainEventOf<'OrderShipped'>['data']).orderId },
          stockOf,
        );
      case 'ReturnReceived': {
        const data = event.data as DomainEventOf<'ReturnReceived'>['data'];
        return returnOrder(
          reservation,
          { orderId: data.orderId, returnId: data.returnId, lines: data.lines },
          stockOf,
        );
      }
    }
  }
}

const OUTCOMES: Record<ReservationEvent['type'], string> = {
  StockReserved: 'reserved',
  StockReservationRejected: 'rejected',
  StockReleased: 'released',
  StockShipped: 'shipped',
  StockReturned: 'returned',
};

function toPending<TState>(loaded: Map<string, LoadedAggregate<TState>>): Map<string, Pending<TState>> {
  return new Map([...loaded].map(([id, l]) => [id, { loaded: l, state: l.state, events: [] }]));
}

function streamsOf<TState>(aggregateType: string, pending: Map<string, Pending<TState>>): AppendToStream[] {
  return [...pending]
    .filter(([, p]) => p.events.length > 0)
    .map(([aggregateId, p]) => ({
      aggregateType,
      aggregateId,
      expectedVersion: p.loaded.version,
      events: p.events,
    }));
}
