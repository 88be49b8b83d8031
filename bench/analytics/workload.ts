/**
 * A synthetic shop for the analytics benchmarks: visitors browse, some add to carts, order and pay;
 * paid orders ship stock. Envelopes are built and validated like the producing services build them.
 */
import { ALL_TOPICS, createEventSchemaRegistry, EventEnvelope } from '@ecom/contracts';
import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { eventTopicSpecs, KafkaMessageBus, KafkaTopicAdmin } from '@ecom/messaging';

const registry = createEventSchemaRegistry();
const SOURCE: Record<string, string> = {
  'catalog.events': 'catalog',
  'inventory.events': 'inventory',
  'orders.events': 'orders',
  'members.events': 'members',
  'storefront.behavior': 'analytics',
};

export class Workload {
  private readonly sequences = new Map<string, number>();
  private readonly stock = new Map<string, { onHand: number; reserved: number }>();
  private visitor = 0;
  private order = 0;
  readonly skus = Array.from({ length: 50 }, (_, i) => `SKU-${i}`);

  envelope(type: string, data: Record<string, unknown>, aggregateId: string, at: Date): EventEnvelope {
    const definition = registry.latest(type);
    const key = `${definition.aggregateType}:${aggregateId}`;
    const sequence = (this.sequences.get(key) ?? 0) + 1;
    this.sequences.set(key, sequence);
    return registry.validate({
      id: uuidv7(),
      type,
      version: definition.version,
      source: SOURCE[definition.topic],
      aggregateType: definition.aggregateType,
      aggregateId,
      sequence,
      occurredAt: at.toISOString(),
      correlationId: uuidv7(),
      causationId: null,
      data,
    });
  }

  /** The catalog and opening stock (so that shipments have something to take from). */
  setup(at: Date): EventEnvelope[] {
    const events: EventEnvelope[] = [];
    events.push(
      this.envelope(
        'ProductCreated',
        { productId: 'P', title: 'Bench product', description: null, categoryId: 'c', attributes: {} },
        'P',
        at,
      ),
    );
    for (const [i, sku] of this.skus.entries()) {
      events.push(
        this.envelope(
          'SkuAdded',
          { productId: 'P', sku, price: 1000 + i * 100, cost: 600 + i * 50, currency: 'CNY', attributes: {} },
          'P',
          at,
        ),
      );
      events.push(this.envelope('StockPolicyChanged', { sku, safetyStock: 20, leadTimeDays: 7 }, sku, at));
      events.push(
        this.stockEvent(
          'StockReceived',
          sku,
          1_000_000,
          0,
          { warehouse: 'WH1', quantity: 1_000_000, batch: null, expiresAt: null },
          at,
        ),
      );
    }
    return events;
  }

  private stockEvent(
    type: string,
    sku: string,
    onHand: number,
    reserved: number,
    data: Record<string, unknown>,
    at: Date,
  ) {
    const level = this.stock.get(sku) ?? { onHand: 0, reserved: 0 };
    level.onHand += onHand;
    level.reserved += reserved;
    this.stock.set(sku, level);
    const view = { onHand: level.onHand, reserved: level.reserved, available: level.onHand - level.reserved };
    return this.envelope(
      type,
      { sku, ...data, levels: [{ warehouse: 'WH1', ...view }], totals: view },
      sku,
      at,
    );
  }

  /** One visit: 1 page view, 2 product views, 1 search; a third add to cart; a tenth order, pay and ship. */
  session(at: Date): EventEnvelope[] {
    const v = this.visitor++;
    const visitorId = `bv-${v}`;
    const channel = ['web', 'app', 'mini_program'][v % 3];
    const sku = this.skus[v % this.skus.length];
    const t = (ms: number) => new Date(at.getTime() + ms);
    const events = [
      this.envelope(
        'PageViewed',
        { visitorId, memberId: null, channel, occurredAt: at.toISOString() },
        visitorId,
        at,
      ),
      this.envelope(
        'ProductViewed',
        { visitorId, memberId: null, channel, sku, occurredAt: t(1).toISOString() },
        visitorId,
        t(1),
      ),
      this.envelope(
        'ProductViewed',
        {
          visitorId,
          memberId: null,
          channel,
          sku: this.skus[(v + 7) % this.skus.length],
          occurredAt: t(2).toISOString(),
        },
        visitorId,
        t(2),
      ),
      this.envelope(
        'Searched',
        { visitorId, memberId: null, channel, query: 'dress', occurredAt: t(3).toISOString() },
        visitorId,
        t(3),
      ),
    ];
    if (v % 3 === 0) {
      const cartId = `cart-${v}`;
      events.push(
        this.envelope(
          'CartItemAdded',
          { cartId, memberId: null, visitorId, channel, sku, quantity: 1, unitPrice: 1000, currency: 'CNY' },
          cartId,
          t(4),
        ),
      );
    }
    if (v % 10 === 0) {
      const orderId = `bo-${this.order++}`;
      const memberId = `bm-${v % 5000}`;
      const lines = [{ sku, quantity: 2, unitPrice: 1000, lineTotal: 2000 }];
      events.push(
        this.envelope(
          'OrderPlaced',
          {
            orderId,
            memberId,
            visitorId,
            channel,
            cartId: null,
            lines,
            total: 2000,
            currency: 'CNY',
            shippingRegion: null,
          },
          orderId,
          t(5),
        ),
      );
      events.push(
        this.envelope(
          'OrderPaid',
          {
            orderId,
            memberId,
            visitorId,
            channel,
            amount: 2000,
            currency: 'CNY',
            method: 'alipay',
            paymentId: `pay-${orderId}`,
          },
          orderId,
          t(6),
        ),
      );
      events.push(
        this.stockEvent(
          'StockAllocated',
          sku,
          0,
          2,
          { orderId, allocations: [{ warehouse: 'WH1', quantity: 2 }] },
          t(6),
        ),
      );
      events.push(
        this.stockEvent(
          'StockDeducted',
          sku,
          -2,
          -2,
          { orderId, allocations: [{ warehouse: 'WH1', quantity: 2, batch: null }] },
          t(7),
        ),
      );
    }
    return events;
  }
}

export function topicOf(event: EventEnvelope): string {
  return registry.get(event.type, event.version).topic;
}

export async function publish(bus: KafkaMessageBus, events: EventEnvelope[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    await bus.publish(
      events
        .slice(i, i + 1000)
        .map((e) => ({ topic: topicOf(e), key: e.aggregateId, value: JSON.stringify(e) })),
    );
  }
}

export interface BenchEnvironment {
  databaseUrl: string;
  prefix: string;
  brokers: string[];
  cleanup(): Promise<void>;
}

/** A database and topic prefix of the benchmark's own, set in the environment the services read. */
export async function benchEnvironment(label: string, partitions: number): Promise<BenchEnvironment> {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const suffix = randomBytes(4).toString('hex');
  const name = `bench_${label}_${suffix}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const prefix = `bench-${label}-${suffix}.`;
  const topics = new KafkaTopicAdmin({ brokers, clientId: 'bench-admin', topicPrefix: prefix });
  for (let attempt = 1; ; attempt++) {
    try {
      await topics.ensureTopics(eventTopicSpecs(partitions));
      break;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
  Object.assign(process.env, {
    ANALYTICS_DATABASE_URL: url.toString(),
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: String(partitions),
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    STOCK_WARNING_INTERVAL_MS: '0',
    RFM_RECOMPUTE_INTERVAL_MS: '0',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });
  return {
    databaseUrl: url.toString(),
    prefix,
    brokers,
    cleanup: async () => {
      if (process.env.BENCH_KEEP === '1') return;
      await topics.deleteTopics(ALL_TOPICS.flatMap((t) => [t, `${t}.dlq`])).catch(() => undefined);
      const client = new Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
