import { Topics } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable, OnModuleInit } from '@nestjs/common';

export const CATALOG_SKUS_CONSUMER = 'inventory.catalog-skus';

/**
 * Learns the catalog's SKUs from catalog.events (SkuAdded) into inv_known_skus, so that stock is only
 * received, adjusted, transferred or given a policy for SKUs the catalog created. A SKU stays known
 * once added (a discontinued SKU may still hold stock to count, move or sell off).
 */
@Injectable()
export class CatalogSkusConsumer implements OnModuleInit {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  onModuleInit(): void {
    this.runtime.consume({
      name: CATALOG_SKUS_CONSUMER,
      topics: [Topics.catalog],
      handles: ['SkuAdded'],
      handleEvents: async (events, session) => {
        await session.sql.query(
          `INSERT INTO inv_known_skus (sku, product_id, added_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
           ON CONFLICT (sku) DO NOTHING`,
          [
            events.map((e) => e.data.sku),
            events.map((e) => e.data.productId),
            events.map((e) => e.occurredAt),
          ],
        );
      },
    });
  }
}
