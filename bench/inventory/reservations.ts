/**
 * Reservation throughput of the inventory service on the local infrastructure (PostgreSQL, Kafka,
 * Redis), on a database and topic prefix of its own:
 *   node -r @swc-node/register bench/inventory/reservations.ts [orders=20000] [batch=500]
 *
 * Two paths, each for one hot SKU (a flash sale) and for 1,000 SKUs, one-unit orders:
 *  - handler: the order-saga batch handler behind IdempotentEventConsumer, fed batches of `batch`
 *    OrderPlaced messages from 6 "partitions" at once, as kafkajs would hand them over (real
 *    PostgreSQL: processed-event records, locks, loads, appends, outbox, read model, Redis refresh);
 *  - kafka: OrderPlaced published to orders.events (6 partitions, keyed by order id), consumed by the
 *    running service; "decided" = every order has its outcome committed, "published" = the outbox
 *    is drained to inventory.events as well.
 * The hot SKU holds as many units as half the orders (half reserved, half rejected); each of the
 * 1,000 SKUs holds plenty. Prints progress every second and a summary. Not part of the test suite.
 */
import 'reflect-metadata';
import type { EventEnvelope } from '@ecom/contracts';
import { createEventSchemaRegistry } from '@ecom/contracts';
import { IdempotentEventConsumer } from '@ecom/event-sourcing';
import type { IncomingBatch, MessagePublisher, MessageSubscriber } from '@ecom/messaging';
import { EventSourcingRuntime, SERVICES } from '@ecom/platform';
import { startTestService, testMessageBus, TestService } from '@ecom/testing';
import type { Type } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { loadavg } from 'os';
import { DataSource } from 'typeorm';
import type { OrderEvent } from '../../apps/inventory/src/reservation/on-order-events/order-saga.processor';

// Before the app module is loaded: its logger reads the level when it is declared.
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ??= 'error';
process.env.NODE_ENV ??= 'test';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const ORDERS = Number(process.argv[2] ?? 20_000);
const BATCH = Number(process.argv[3] ?? 500);
const PARTITIONS = 6;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface Result {
  path: string;
  scenario: string;
  orders: number;
  reserved: number;
  seconds: number;
  perSecond: number;
  publishedPerSecond?: number;
}

/** Outcomes committed so far for the orders of one scenario (their correlation ids share a prefix). */
async function counts(dataSource: DataSource, prefix: string) {
  const [row] = await dataSource.query(
    `SELECT count(*) FILTER (WHERE type = 'StockReserved')::int AS reserved,
            count(*) FILTER (WHERE type = 'StockReservationRejected')::int AS rejected
     FROM es_events WHERE aggregate_type = 'Reservation' AND correlation_id LIKE $1`,
    [`${prefix}%`],
  );
  return row as { reserved: number; rejected: number };
}

/** Polls until `done` holds, printing the progress of decided orders every second. */
async function track(
  label: string,
  dataSource: DataSource,
  prefix: string,
  started: number,
  done: () => Promise<boolean>,
) {
  let last = 0;
  for (;;) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = performance.now();
    if (now - last >= 1000) {
      last = now;
      const { reserved, rejected } = await counts(dataSource, prefix);
      const decided = reserved + rejected;
      const seconds = (now - started) / 1000;
      console.log(
        `  [${label}] ${decided}/${ORDERS} decided (${reserved} reserved) in ${seconds.toFixed(1)} s, ${Math.round(decided / seconds)}/s, load ${load()}`,
      );
    }
  }
}

async function main() {
  const { AppModule } = (await import('../../apps/inventory/src/app.module')) as { AppModule: Type<unknown> };
  const { orderPlaced, toMessage } = await import('../../apps/inventory/src/test/order-events.fixture');
  const { addCatalogSkus } = await import('../../apps/inventory/src/test/catalog-events.fixture');
  const { OrderSagaProcessor } =
    await import('../../apps/inventory/src/reservation/on-order-events/order-saga.processor');

  console.log(
    `inventory reservations bench: ${ORDERS} orders per scenario, batches of ${BATCH}, ${PARTITIONS} partitions, load ${load()}`,
  );
  const service: TestService = await startTestService(AppModule, SERVICES.inventory, {
    partitions: PARTITIONS,
    env: { ORDER_EVENTS_CONCURRENCY: String(PARTITIONS), DATABASE_POOL_SIZE: '20' },
  });
  const bus = testMessageBus(service.topicPrefix, 'bench-orders');
  const results: Result[] = [];
  try {
    const operator = await service.tokens.bearer('bench-operator', 'operator');
    const call = async (path: string, body: unknown) => {
      const response = await service.http(path, { method: 'POST', token: operator, body });
      if (response.status !== 201)
        throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    };
    await call('/v1/warehouses', { code: 'SH', name: 'Shanghai', region: 'Shanghai' });
    await call('/v1/warehouses', { code: 'BJ', name: 'Beijing', region: 'Beijing' });
    const dataSource = service.app.get(DataSource);
    const processor = service.app.get(OrderSagaProcessor);
    const runtime = service.app.get(EventSourcingRuntime);
    const registry = createEventSchemaRegistry();

    const stockUp = async (skus: string[], unitsEach: number) => {
      // Stock is received only for SKUs the catalog announced (SkuAdded on catalog.events).
      await addCatalogSkus(service, bus, skus);
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = next++; i < skus.length; i = next++) {
            await call('/v1/stock/receipts', {
              sku: skus[i],
              warehouse: 'SH',
              quantity: Math.ceil(unitsEach / 2),
            });
            await call('/v1/stock/receipts', {
              sku: skus[i],
              warehouse: 'BJ',
              quantity: Math.floor(unitsEach / 2),
            });
          }
        }),
      );
    };
    const makeOrders = (prefix: string, skus: string[]): EventEnvelope[] =>
      Array.from({ length: ORDERS }, (_, i) => {
        const envelope = orderPlaced(
          randomUUID(),
          [{ sku: skus[i % skus.length], quantity: 1 }],
          i % 2 ? 'Beijing' : 'Shanghai',
        );
        return { ...envelope, correlationId: `${prefix}${i}` };
      });

    const scenarios = [
      { name: 'one hot SKU', skus: (tag: string) => [`HOT-${tag}`], units: ORDERS / 2 },
      {
        name: '1,000 SKUs',
        skus: (tag: string) => Array.from({ length: 1000 }, (_, i) => `SPREAD-${tag}-${i}`),
        units: ORDERS,
      },
    ];

    for (const scenario of scenarios) {
      // Handler path: the batch handler behind the idempotent consumer, no Kafka in between.
      {
        const tag = `direct-${scenario.skus('x').length}`;
        const skus = scenario.skus(tag);
        console.log(`\n${scenario.name}, handler path: stocking ${skus.length} SKU(s)...`);
        await stockUp(skus, Math.max(2, Math.ceil(scenario.units / skus.length)));
        const prefix = `bench-${tag}-`;
        const orders = makeOrders(prefix, skus);
        const publisher: MessagePublisher = { publish: async () => undefined };
        const subscriber: MessageSubscriber = { subscribe: () => Promise.reject(new Error('fed directly')) };
        // The service's consumer with its sessions, fed here instead of by Kafka (not subscribed).
        const consumer = new IdempotentEventConsumer<OrderEvent>({
          name: `bench.${tag}`,
          topics: ['orders.events'],
          handles: ['OrderPlaced'],
          dataSource,
          sessions: runtime.commands,
          subscriber,
          publisher,
          registry,
          handleEvents: (events, session) => processor.process(events, session),
        });
        const byPartition = Array.from({ length: PARTITIONS }, (_, p) =>
          orders.filter((_, i) => i % PARTITIONS === p),
        );
        const started = performance.now();
        let finished = false;
        const feeding = Promise.all(
          byPartition.map(async (messages, partition) => {
            for (let offset = 0; offset < messages.length; offset += BATCH) {
              const slice = messages.slice(offset, offset + BATCH);
              const batch: IncomingBatch = {
                topic: 'orders.events',
                partition,
                messages: slice.map((e, i) => ({
                  ...toMessage(e),
                  partition,
                  offset: String(offset + i),
                  key: e.aggregateId,
                  value: Buffer.from(JSON.stringify(e)),
                  headers: {},
                  timestamp: Date.now(),
                })),
                lagAfterBatch: () => messages.length - offset - slice.length,
                markProcessed: () => undefined,
                heartbeat: async () => undefined,
                isRunning: () => true,
              };
              await consumer.handleBatch(batch);
            }
          }),
        ).then(() => {
          finished = true;
        });
        await track(`${scenario.name}, handler`, dataSource, prefix, started, async () => finished);
        await feeding;
        const seconds = (performance.now() - started) / 1000;
        const { reserved, rejected } = await counts(dataSource, prefix);
        if (reserved + rejected !== ORDERS) throw new Error(`decided ${reserved + rejected} of ${ORDERS}`);
        results.push({
          path: 'handler',
          scenario: scenario.name,
          orders: ORDERS,
          reserved,
          seconds,
          perSecond: Math.round(ORDERS / seconds),
        });
        console.log(
          `  => ${Math.round(ORDERS / seconds)} reservations/s (${reserved} reserved, ${rejected} rejected, ${seconds.toFixed(1)} s)`,
        );
        await waitForOutbox(dataSource);
      }

      // Kafka path: publish to orders.events, the running service consumes.
      {
        const tag = `kafka-${scenario.skus('x').length}`;
        const skus = scenario.skus(tag);
        console.log(`\n${scenario.name}, through Kafka: stocking ${skus.length} SKU(s)...`);
        await stockUp(skus, Math.max(2, Math.ceil(scenario.units / skus.length)));
        await waitForOutbox(dataSource);
        const prefix = `bench-${tag}-`;
        const orders = makeOrders(prefix, skus);
        const started = performance.now();
        for (let i = 0; i < orders.length; i += 2000)
          await bus.publish(orders.slice(i, i + 2000).map(toMessage));
        console.log(
          `  published ${ORDERS} OrderPlaced in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
        await track(`${scenario.name}, kafka`, dataSource, prefix, started, async () => {
          const { reserved, rejected } = await counts(dataSource, prefix);
          return reserved + rejected >= ORDERS;
        });
        const decidedSeconds = (performance.now() - started) / 1000;
        await waitForOutbox(dataSource);
        const publishedSeconds = (performance.now() - started) / 1000;
        const { reserved, rejected } = await counts(dataSource, prefix);
        results.push({
          path: 'kafka',
          scenario: scenario.name,
          orders: ORDERS,
          reserved,
          seconds: decidedSeconds,
          perSecond: Math.round(ORDERS / decidedSeconds),
          publishedPerSecond: Math.round(ORDERS / publishedSeconds),
        });
        console.log(
          `  => ${Math.round(ORDERS / decidedSeconds)} reservations/s decided, ${Math.round(ORDERS / publishedSeconds)}/s with outcomes on ` +
            `inventory.events (${reserved} reserved, ${rejected} rejected)`,
        );
      }
    }

    const invariant = await dataSource.query(
      `SELECT count(*)::int AS broken FROM inv_stock_levels WHERE reserved > on_hand OR reserved < 0`,
    );
    console.log(
      `\nsummary (load ${load()}; reserved > on hand anywhere: ${invariant[0].broken ? 'YES' : 'never'})`,
    );
    console.table(results);
  } finally {
    await bus.close();
    await service.close();
  }
}

async function waitForOutbox(dataSource: DataSource) {
  for (;;) {
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM es_outbox`);
    if (count === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
