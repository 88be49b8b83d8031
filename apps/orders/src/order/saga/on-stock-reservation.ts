import { DomainEventOf, EventEnvelope, Topics } from '@ecom/contracts';
import { AggregateRepository, EventBatchOutcome, reactionContext } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrderAggregate, OrderEvent, OrderState } from '../domain/order.aggregate';
import { confirmReservation, rejectReservation } from '../domain/order.decisions';

export const SAGA_EVENT_TYPES = ['StockReserved', 'StockReservationRejected'] as const;

type InventoryAnswer = DomainEventOf<'StockReserved'> | DomainEventOf<'StockReservationRejected'>;

/**
 * The order saga's reaction to inventory: StockReserved -> CONFIRMED (OrderConfirmed), and
 * StockReservationRejected -> REJECTED (OrderRejected). A partition batch of answers is applied at
 * once: every order it names is locked and loaded together and appended to once, in one transaction.
 * Inventory answers once per order; a late or repeated answer, or one for an order this service does
 * not know, changes nothing.
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
      handleEvents: (events, tx) => this.handleEvents(events, tx),
    });
  }

  async handleEvents(events: EventEnvelope[], tx: EntityManager): Promise<EventBatchOutcome> {
    const answers = events.map((event) => ({
      event,
      answer: { type: event.type, data: event.data } as InventoryAnswer,
    }));
    const results = await this.orders.executeBatch(
      tx,
      answers.map(({ event, answer }) => ({
        aggregateId: answer.data.orderId,
        context: reactionContext(event),
        decide: (state: OrderState) => {
          if (state.status === 'NEW') return [];
          return answer.type === 'StockReserved'
            ? confirmReservation(state, answer.data.lines)
            : rejectReservation(state, answer.data.shortLines);
        },
      })),
    );
    const refused: { eventId: string; error: Error }[] = [];
    results.forEach((outcome, i) => {
      const { event, answer } = answers[i];
      if (!outcome.ok) refused.push({ eventId: event.id, error: outcome.error });
      else if (outcome.result.version === 0) {
        this.logger.warn(`${event.type} for unknown order ${answer.data.orderId} ignored`);
      }
    });
    return { refused };
  }
}
