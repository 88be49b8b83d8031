import { Topics } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ORDER_EVENT_TYPES, OrderSagaProcessor } from './order-saga.processor';

export const ORDER_RESERVATIONS_CONSUMER = 'inventory.order-reservations';

/**
 * Subscribes the order saga's stock side to orders.events: OrderPlaced (reserve), OrderCancelled
 * (release), OrderShipped (deduct), ReturnReceived (restock). Batches of a partition are applied in
 * one transaction together with their processed-event records, so a redelivery changes nothing.
 */
@Injectable()
export class OrderEventsConsumer implements OnModuleInit {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly processor: OrderSagaProcessor,
    private readonly config: ConfigService,
  ) {}

  onModuleInit(): void {
    this.runtime.consume({
      name: ORDER_RESERVATIONS_CONSUMER,
      topics: [Topics.orders],
      handles: ORDER_EVENT_TYPES,
      handleEvents: (events, tx) => this.processor.process(events, tx),
      partitionsConsumedConcurrently: Number(this.config.get('ORDER_EVENTS_CONCURRENCY') ?? 3),
    });
  }
}
