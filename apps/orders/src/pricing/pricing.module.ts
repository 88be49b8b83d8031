import { Topics } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Module, OnModuleInit } from '@nestjs/common';
import { applyCatalogEvent, PRICE_EVENT_TYPES } from './on-catalog-events/sku-price.projector';
import { SkuPrices } from './sku-prices';

/** The SKU price and listing read model, fed by catalog.events. */
@Module({ providers: [SkuPrices], exports: [SkuPrices] })
export class PricingModule implements OnModuleInit {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  onModuleInit(): void {
    this.runtime.consume({
      name: 'orders.sku-prices',
      topics: [Topics.catalog],
      handles: PRICE_EVENT_TYPES,
      handle: (event, session) => applyCatalogEvent(session.sql, event),
    });
  }
}
