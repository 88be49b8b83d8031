import type { EnvelopeOf } from '@ecom/contracts';
import {
  AppendToStream,
  BatchedCommand,
  CommandSession,
  DomainError,
  EventBatchOutcome,
  EventToAppend,
  LoadedAggregate,
  reactionContext,
} from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { Counter, Histogram, register } from 'prom-client';
import { StockItemAggregate, StockItemEvent, StockItemState } from '../../stock/domain/stock-item.aggregate';
import { AvailabilityCache } from '../../stock/read-model/availability-cache';
import { WarehouseDirectory } from '../../warehouse/read-model/warehouse-directory';
import { ReservationAggregate, ReservationEvent, ReservationState } from '../domain/reservation.aggregate';
import {
  NOTHING,
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
 *  1. load the Reservation of every order in the batch;
 *  2. one executeBatch on the SKUs: every SKU the batch touches locked and loaded together (a hot
 *     SKU once per batch), each event decided in order on the state the ones before it left (so a
 *     SKU is never oversold), one append per SKU stream, snapshots;
 *  3. one append of the orders' Reservation streams; the touched SKUs' cache entries are refreshed
 *     after the commit.
 * Every event keeps the correlation and causation of the order event behind it. A refused event
 * (DomainError) leaves no trace and goes to the DLQ. The SKU streams are locked, so only a
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
    const orderIds = [...new Set(events.map((event) => event.data.orderId))];
    const reservations = await session.loadMany(ReservationAggregate, orderIds);
    const batch = await this.decideOnStock(events, reservations, session);
    batch.decideEventsWithoutStock();
    const reservationStreams = batch.reservationStreams();
    await session.append(reservationStreams, reactionContext(events[0]));

    const touched = batch.touchedSkus();
    if (touched.length > 0) {
      session.afterCommit(AvailabilityCache.REFRESH_KEY, (sql) => this.availability.refresh(touched, sql));
    }
    for (const event of batch.reservationEvents()) metrics.decisions.inc({ outcome: OUTCOMES[event.type] });
    if (batch.refused.length > 0) metrics.decisions.inc({ outcome: 'refused' }, batch.refused.length);
    metrics.batchSize.observe(events.length);
    return { refused: batch.refused };
  }

  /** Step 2: the SKU side of every decision, in one executeBatch. */
  private async decideOnStock(
    events: OrderEvent[],
    reservations: Map<string, LoadedAggregate<ReservationState>>,
    session: CommandSession,
  ): Promise<OrderSagaBatch> {
    const regions = await this.warehouses.regions([], session.sql);
    for (let attempt = 1; ; attempt++) {
      // A decision that meets a warehouse not read yet (created since) has the regions read again and
      // the batch decided again: nothing was appended and the SKUs stay locked. Once only: a code
      // still unknown then has no region.
      const batch = new OrderSagaBatch(events, reservations, (code) => {
        if (attempt === 1 && !regions.has(code)) throw new WarehouseRegionNotRead(code);
        return regions.get(code);
      });
      try {
        await session.executeBatch(StockItemAggregate, batch.stockCommands());
        return batch;
      } catch (error) {
        if (attempt > 1 || !(error instanceof WarehouseRegionNotRead)) throw error;
        await this.warehouses.regions([error.code], session.sql);
      }
    }
  }
}

interface PendingReservation {
  /** The version it was loaded at: the expected version of its append. */
  version: number;
  state: ReservationState;
  events: (ReservationEvent & EventToAppend)[];
}

/**
 * The decisions of one batch. executeBatch hands each command the current state of one SKU, but a
 * saga decision reads every SKU of its order at once. So each event becomes, for every SKU its order
 * touches in the batch, a command that only reads the SKU's state, then for every such SKU a command
 * that returns the SKU's share of the event's decision, taken when the first of them runs (all of
 * the order's SKUs read). Events of orders that touch no SKU are decided afterwards, in batch order.
 */
class OrderSagaBatch {
  readonly refused: { eventId: string; error: Error }[] = [];
  private readonly reservations: Map<string, PendingReservation>;
  /** The SKUs each order touches in this batch: its lines in the batch's events and its reservation's. */
  private readonly skusByOrder = new Map<string, Set<string>>();
  /** Each SKU's state as its last read command saw it. */
  private readonly stockRead = new Map<string, StockItemState>();
  private readonly decisions = new Map<OrderEvent, SagaDecision>();

  constructor(
    private readonly events: OrderEvent[],
    loaded: Map<string, LoadedAggregate<ReservationState>>,
    private readonly regionOf: ReservingState['regionOf'],
  ) {
    this.reservations = new Map(
      [...loaded].map(([orderId, { state, version }]) => [orderId, { state, version, events: [] }]),
    );
    for (const [orderId, { state }] of loaded) {
      this.skusByOrder.set(orderId, new Set(state.lines.map((line) => line.sku)));
    }
    for (const event of events) {
      if (event.type !== 'OrderPlaced' && event.type !== 'ReturnReceived') continue;
      const skus = this.skusByOrder.get(event.data.orderId)!;
      for (const line of event.data.lines) skus.add(line.sku);
    }
  }

  stockCommands(): BatchedCommand<StockItemState, StockItemEvent>[] {
    const commands: BatchedCommand<StockItemState, StockItemEvent>[] = [];
    for (const event of this.events) {
      const context = reactionContext(event);
      const skus = this.skusByOrder.get(event.data.orderId)!;
      for (const sku of skus) {
        commands.push({
          aggregateId: sku,
          context,
          decide: (state) => {
            this.stockRead.set(sku, state);
            return [];
          },
        });
      }
      for (const sku of skus) {
        commands.push({
          aggregateId: sku,
          context,
          decide: () => this.decisionOf(event).stock.find((share) => share.sku === sku)?.events ?? [],
        });
      }
    }
    return commands;
  }

  /** Decides the events executeBatch did not ask about (orders touching no SKU), in batch order. */
  decideEventsWithoutStock(): void {
    for (const event of this.events) this.decisionOf(event);
  }

  reservationStreams(): AppendToStream[] {
    return [...this.reservations]
      .filter(([, pending]) => pending.events.length > 0)
      .map(([orderId, pending]) => ({
        aggregateType: ReservationAggregate.type,
        aggregateId: orderId,
        expectedVersion: pending.version,
        events: pending.events,
      }));
  }

  /** Every Reservation event decided (for the outcome metrics). */
  reservationEvents(): ReservationEvent[] {
    return [...this.reservations.values()].flatMap((pending) => pending.events);
  }

  /** SKUs the batch's decisions changed (their cache entries are refreshed after the commit). */
  touchedSkus(): string[] {
    const skus = new Set<string>();
    for (const decision of this.decisions.values()) {
      for (const share of decision.stock) if (share.events.length > 0) skus.add(share.sku);
    }
    return [...skus];
  }

  /** The event's decision, taken once, on its reservation as the events before it left it. */
  private decisionOf(event: OrderEvent): SagaDecision {
    const taken = this.decisions.get(event);
    if (taken) return taken;
    const reservation = this.reservations.get(event.data.orderId)!;
    const skus = this.skusByOrder.get(event.data.orderId)!;
    const state: ReservingState = {
      reservation: reservation.state,
      stockOf: (sku) => {
        const read = skus.has(sku) ? this.stockRead.get(sku) : undefined;
        if (!read) throw new Error(`internal: SKU ${sku} was not read for order ${event.data.orderId}`);
        return read;
      },
      regionOf: this.regionOf,
    };
    let decision: SagaDecision;
    try {
      decision = decide(state, event);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.refused.push({ eventId: event.id, error });
      decision = NOTHING;
    }
    const context = reactionContext(event);
    for (const decided of decision.reservation) {
      reservation.state = ReservationAggregate.evolve(reservation.state, decided);
      reservation.events.push({ ...decided, context });
    }
    this.decisions.set(event, decision);
    return decision;
  }
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
