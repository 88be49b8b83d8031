import type { EnvelopeOf } from '@ecom/contracts';
import type { SqlExecutor } from '@ecom/event-sourcing';

/** Catalog events the price read model applies (consumed from catalog.events). */
export const PRICE_EVENT_TYPES = [
  'SkuAdded',
  'SkuPriceChanged',
  'SkuDiscontinued',
  'ProductPublished',
  'ProductUnpublished',
] as const;

export type PriceEvent = EnvelopeOf<(typeof PRICE_EVENT_TYPES)[number]>;

/**
 * Applies one catalog event to sku_prices / catalog_products. Catalog publishes a product's events
 * in order (key = product id), so a plain upsert per event is enough; redeliveries never reach here
 * (the idempotent consumer records processed event ids in the same transaction).
 */
export async function applyCatalogEvent(sql: SqlExecutor, event: PriceEvent): Promise<void> {
  const at = event.occurredAt;
  switch (event.type) {
    case 'SkuAdded': {
      const d = event.data;
      await sql.query(
        `INSERT INTO sku_prices (sku, product_id, price, currency, discontinued, updated_at)
         VALUES ($1, $2, $3, $4, false, $5)
         ON CONFLICT (sku) DO UPDATE SET product_id = EXCLUDED.product_id, price = EXCLUDED.price,
           currency = EXCLUDED.currency, discontinued = false, updated_at = EXCLUDED.updated_at`,
        [d.sku, d.productId, d.price, d.currency, at],
      );
      return;
    }
    case 'SkuPriceChanged': {
      const d = event.data;
      await sql.query(
        `INSERT INTO sku_prices (sku, product_id, price, currency, discontinued, updated_at)
         VALUES ($1, $2, $3, $4, false, $5)
         ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price, currency = EXCLUDED.currency,
           updated_at = EXCLUDED.updated_at`,
        [d.sku, d.productId, d.price, d.currency, at],
      );
      return;
    }
    case 'SkuDiscontinued':
      await sql.query(`UPDATE sku_prices SET discontinued = true, updated_at = $2 WHERE sku = $1`, [
        event.data.sku,
        at,
      ]);
      return;
    case 'ProductPublished':
    case 'ProductUnpublished':
      await sql.query(
        `INSERT INTO catalog_products (product_id, listed, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (product_id) DO UPDATE SET listed = EXCLUDED.listed, updated_at = EXCLUDED.updated_at`,
        [event.data.productId, event.type === 'ProductPublished', at],
      );
      return;
  }
}
