import { DomainEventOf, EventEnvelope, Topics } from '@ecom/contracts';
import { AggregateRepository, reactionContext } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrderAggregate, OrderEvent, OrderState } from '../domain/order.aggregate';
import { confirmReservation, rejectReservation } from '../domain/order.decisions';

export const SAGA_EVENT_TYPES = ['StockReserved', 'StockReservationRejected'] as const;

/**
 * The order saga's reaction to inventory: StockReserved -> CONFIRMED (OrderConfirmed), and
 * StockReservationRejected -> REJECTED (OrderRejected). Inventory answers once per order; a late or
 * repeated answer, or one for an order this service does not know, changes nothing.
 */
@Injectable()
export class OnStockReservation implements OnModuleInit {
  private readonly logger = new Logger('OrderSaga');
  private readonly orders: AggregateRepository<OrderState, OrderEvent>;

  constructor(private readonly runtime: EventSourcingRuntime) {
    this.orders = runtime.repository(OrderAggregate);
  }

  onModuleInit(): void {
    this.runtime.consume({
      name: 'orders.order-saga',
      topics: [Topics.inventory],
      handles: SAGA_EVENT_TYPES,
      handle: (event, tx) => this.handle(event, tx),
    });
  }

  async handle(event: EventEnvelope, tx: EntityManager): Promise<void> {
    const reaction = { type: event.type, data: event.data } as
      DomainEventOf<'StockReserved'> | DomainEventOf<'StockReservationRejected'>;
    const orderId = reaction.data.orderId;
    const result = await this.orders.execute(
      orderId,
      (state) => {
        if (state.status === 'NEW') return [];
        return reaction.type === 'StockReserved'
          ? confirmReservation(state, reaction.data.lines)
          : rejectReservation(state, reaction.data.shortLines);
      },
      reactionContext(event),
      { tx },
    );
    if (result.version === 0) this.logger.warn(`${event.type} for unknown order ${orderId} ignored`);
    // The consumer's transaction commits after this returns; the relay is woken on its next poll.
  }
}
