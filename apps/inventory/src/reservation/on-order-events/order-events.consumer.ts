import { Topics } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { INVENTORY_SETTINGS, InventorySettings } from '../../config/inventory.settings';
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
    @Inject(INVENTORY_SETTINGS) private readonly settings: InventorySettings,
  ) {}

  onModuleInit(): void {
    this.runtime.consume({
      name: ORDER_RESERVATIONS_CONSUMER,
      topics: [Topics.orders],
      handles: ORDER_EVENT_TYPES,
      handleEvents: (events, session) => this.processor.process(events, session),
      partitionsConsumedConcurrently: this.settings.orderEventsConcurrency,
    });
  }
}
