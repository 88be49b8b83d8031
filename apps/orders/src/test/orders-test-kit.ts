import { ContractEvent, EventEnvelope, Topics } from '@ecom/contracts';
import type { KafkaMessageBus } from '@ecom/messaging';
import { EventFactory, randomSuffix, TestService, testMessageBus, waitUntil } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

const events = new EventFactory();

/** Another service's event on the stream of `aggregateId`, as that service publishes it. */
export function upstreamEvent(
  aggregateId: string,
  type: ContractEvent['type'],
  data: unknown,
): EventEnvelope {
  return events.make(type, data as never, new Date(), { aggregateId });
}

/** Plays other services' parts on Kafka: catalog (prices, listing) and inventory (the reservation answer). */
export class FakeUpstream {
  private constructor(private readonly bus: KafkaMessageBus) {}

  static create(topicPrefix: string): FakeUpstream {
    return new FakeUpstream(testMessageBus(topicPrefix, `fake-upstream-${randomSuffix()}`));
  }

  async publish(topic: string, events: EventEnvelope[]): Promise<void> {
    await this.bus.publish(events.map((e) => ({ topic, key: e.aggregateId, value: JSON.stringify(e) })));
  }

  /** A product with SKUs at the given prices, published (LISTED) unless `listed` is false. */
  async listProduct(
    skus: Record<string, number>,
    options: { listed?: boolean; currency?: string } = {},
  ): Promise<string> {
    const productId = uuidv7();
    const events = Object.entries(skus).map(([sku, price]) =>
      upstreamEvent(productId, 'SkuAdded', {
        productId,
        sku,
        price,
        cost: null,
        currency: options.currency ?? 'CNY',
        attributes: {},
      }),
    );
    if (options.listed !== false) {
      events.push(
        upstreamEvent(productId, 'ProductPublished', {
          productId,
          categoryId: 'cat-1',
          skus: Object.keys(skus),
        }),
      );
    }
    await this.publish(Topics.catalog, events);
    return productId;
  }

  async catalogEvent(productId: string, type: ContractEvent['type'], data: unknown): Promise<void> {
    await this.publish(Topics.catalog, [upstreamEvent(productId, type, data)]);
  }

  async stockReserved(
    orderId: string,
    lines: { sku: string; quantity: number }[],
    warehouse = 'WH-1',
  ): Promise<void> {
    await this.publish(Topics.inventory, [
      upstreamEvent(orderId, 'StockReserved', {
        orderId,
        lines: lines.map((l) => ({ sku: l.sku, warehouse, quantity: l.quantity })),
      }),
    ]);
  }

  async stockRejected(
    orderId: string,
    shortLines: { sku: string; requested: number; available: number }[],
  ): Promise<void> {
    await this.publish(Topics.inventory, [
      upstreamEvent(orderId, 'StockReservationRejected', { orderId, shortLines }),
    ]);
  }

  async close(): Promise<void> {
    await this.bus.close();
  }
}

/** Waits until the orders price read model knows every SKU (fed from catalog.events). */
export async function waitForPrices(service: TestService, skus: string[], orderable = true): Promise<void> {
  const dataSource = service.app.get(DataSource);
  await waitUntil(
    async () => {
      const rows: { n: number }[] = await dataSource.query(
        `SELECT count(*)::int AS n FROM sku_prices s LEFT JOIN catalog_products p USING (product_id)
         WHERE s.sku = ANY($1) AND (NOT s.discontinued AND coalesce(p.listed, false)) = $2`,
        [skus, orderable],
      );
      return rows[0].n === skus.length;
    },
    { message: `prices of ${skus.join(', ')}` },
  );
}

export const ADDRESS = {
  name: 'Li Lei',
  phone: '+86 138 0000 0000',
  line1: '1 West Lake Road',
  city: 'Hangzhou',
  province: 'Zhejiang',
  postalCode: '310000',
  country: 'CN',
};

export async function waitForStatus(service: TestService, token: string, orderId: string, status: string) {
  return waitUntil(
    async () => {
      const response = await service.http(`/v1/orders/${orderId}`, { token });
      return response.status === 200 && response.body.status === status ? response.body : undefined;
    },
    { message: `order ${orderId} to be ${status}` },
  );
}

export const uniqueSku = (label: string) => `${label}-${randomSuffix()}`.toUpperCase();
