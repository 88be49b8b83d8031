import { Topics } from '@ecom/contracts';
import type { KafkaMessageBus } from '@ecom/messaging';
import { EventFactory, TestService, waitUntil } from '@ecom/testing';
import { DataSource } from 'typeorm';

const events = new EventFactory();

/**
 * Publishes SkuAdded for each SKU to the suite's catalog.events as the catalog does, and waits until
 * inventory's known-SKUs read model has them all.
 */
export async function addCatalogSkus(
  service: TestService,
  bus: KafkaMessageBus,
  skus: string[],
  productId = 'prod-1',
): Promise<void> {
  await bus.publish(
    skus.map((sku) => {
      const envelope = events.make(
        'SkuAdded',
        { productId, sku, price: 1999, cost: null, currency: 'CNY', attributes: {} },
        new Date(),
        { aggregateId: productId },
      );
      return {
        topic: Topics.catalog,
        key: envelope.aggregateId,
        value: JSON.stringify(envelope),
        headers: { 'content-type': 'application/json', 'event-type': envelope.type },
      };
    }),
  );
  await waitForCatalogSkus(service, skus);
}

/** Waits until inventory's known-SKUs read model holds every one of the SKUs (one query per poll). */
export async function waitForCatalogSkus(service: TestService, skus: string[]): Promise<void> {
  const dataSource = service.app.get(DataSource);
  await waitUntil(
    async () => {
      const [{ known }]: { known: number }[] = await dataSource.query(
        `SELECT count(*)::int AS known FROM inv_known_skus WHERE sku = ANY($1)`,
        [skus],
      );
      return known === new Set(skus).size;
    },
    {
      timeoutMs: 30_000,
      intervalMs: 100,
      message: `inventory to learn ${skus.length} SKU(s) (${skus.slice(0, 5).join(', ')}) from catalog.events`,
    },
  );
}
