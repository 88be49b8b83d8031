import { Topics } from '@ecom/contracts';
import type { KafkaMessageBus } from '@ecom/messaging';
import { EventFactory, TestService, waitUntil } from '@ecom/testing';
import { KnownSkus } from '../catalog-skus/known-skus';

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
  const known = service.app.get(KnownSkus);
  await waitUntil(async () => (await Promise.all(skus.map((sku) => known.isKnown(sku)))).every(Boolean), {
    timeoutMs: 30_000,
    intervalMs: 100,
    message: `inventory to learn the SKUs ${skus.join(', ')} from catalog.events`,
  });
}
