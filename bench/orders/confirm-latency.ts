/**
 * Confirm latency of the order saga: time from POST /v1/orders (202 PENDING) until the order is
 * CONFIRMED, measured two ways per order:
 *   - "read model": until GET /v1/orders/:id answers CONFIRMED (what a storefront polling sees);
 *   - "on Kafka": until OrderConfirmed reaches a consumer of orders.events (what downstream systems see).
 *
 * By default the real inventory service runs beside orders (own database, shared topic prefix) with
 * stock received through its REST API, so the figure is the whole saga: orders' outbox -> Kafka ->
 * inventory's reservation (stock checks, multi-stream append) -> its outbox -> Kafka -> orders' saga.
 * With --responder, inventory's part is played by a bare Kafka responder that answers every OrderPlaced
 * with StockReserved at once (no stock logic), which isolates the orders side and the Kafka hops.
 *
 *   node -r @swc-node/register bench/orders/confirm-latency.ts [orders=300] [concurrency=8] [--responder]
 */
import './bench-env';
import 'reflect-metadata';
import { EventEnvelope, Topics } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import { randomSuffix, startTestService, TestService, testMessageBus } from '@ecom/testing';
import { AppModule as InventoryAppModule } from '../../apps/inventory/src/app.module';
import { waitForCatalogSkus } from '../../apps/inventory/src/test/catalog-events.fixture';
import { AppModule } from '../../apps/orders/src/app.module';
import {
  ADDRESS,
  FakeUpstream,
  upstreamEvent,
  waitForPrices,
} from '../../apps/orders/src/test/orders-test-kit';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const TOTAL = Number(args[0] ?? 300);
const CONCURRENCY = Number(args[1] ?? 8);
const RESPONDER = process.argv.includes('--responder');
const WARMUP = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(label: string, values: number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return (
    `${label.padEnd(21)} n=${sorted.length}  mean ${mean.toFixed(1)} ms  p50 ${percentile(sorted, 50).toFixed(1)}  ` +
    `p95 ${percentile(sorted, 95).toFixed(1)}  p99 ${percentile(sorted, 99).toFixed(1)}  max ${sorted[sorted.length - 1].toFixed(1)}`
  );
}

async function main(): Promise<void> {
  console.log(`starting orders (own database and topic prefix) ...`);
  const service: TestService = await startTestService(AppModule, SERVICES.orders, { partitions: 3 });
  const upstream = FakeUpstream.create(service.topicPrefix);
  const sku = `BENCH-${randomSuffix()}`.toUpperCase();
  await upstream.listProduct({ [sku]: 990 });
  await waitForPrices(service, [sku]);
  const token = await service.tokens.bearer('bench-member');

  let inventory: TestService | undefined;
  if (!RESPONDER) {
    console.log('starting inventory (own database, same topic prefix) ...');
    inventory = await startTestService(InventoryAppModule, SERVICES.inventory, {
      topicPrefix: service.topicPrefix,
      tokens: service.tokens,
    });
    const operator = await service.tokens.bearer('bench-operator', 'operator');
    const warehouse = await inventory.http('/v1/warehouses', {
      token: operator,
      body: { code: 'WH-BENCH', name: 'Bench' },
    });
    // Stock is received only for a SKU the catalog announced: inventory learns it from catalog.events.
    await waitForCatalogSkus(inventory, [sku]);
    const receipt = await inventory.http('/v1/stock/receipts', {
      token: operator,
      body: { sku, warehouse: 'WH-BENCH', quantity: 1_000_000 },
    });
    if (warehouse.status !== 201 || receipt.status !== 201) throw new Error('could not stock the bench SKU');
  }

  // Watches orders.events for OrderConfirmed; in --responder mode also plays inventory's part.
  const responderBus = testMessageBus(service.topicPrefix, 'bench-responder');
  const confirmedOnKafka = new Map<string, number>();
  // occurredAt of the saga's three events per order, for the breakdown of where the time goes.
  const stamps = new Map<string, { placed?: number; reserved?: number; confirmed?: number }>();
  const stamp = (orderId: string, key: 'placed' | 'reserved' | 'confirmed', at: string) =>
    stamps.set(orderId, { ...stamps.get(orderId), [key]: Date.parse(at) });
  const responder = await responderBus.subscribe({
    groupId: `bench-watcher-${randomSuffix()}`,
    topics: [Topics.orders, Topics.inventory],
    fromBeginning: true,
    handleBatch: async (batch) => {
      const answers: EventEnvelope[] = [];
      for (const message of batch.messages) {
        const event = JSON.parse(message.value!.toString('utf8')) as EventEnvelope<{
          orderId: string;
          lines: { sku: string; quantity: number }[];
        }>;
        if (event.type === 'OrderPlaced') stamp(event.data.orderId, 'placed', event.occurredAt);
        if (event.type === 'StockReserved') stamp(event.data.orderId, 'reserved', event.occurredAt);
        if (event.type === 'OrderConfirmed') stamp(event.data.orderId, 'confirmed', event.occurredAt);
        if (event.type === 'OrderPlaced' && RESPONDER) {
          answers.push(
            upstreamEvent(event.data.orderId, 'StockReserved', {
              orderId: event.data.orderId,
              lines: event.data.lines.map((l) => ({
                sku: l.sku,
                warehouse: 'WH-BENCH',
                quantity: l.quantity,
              })),
            }),
          );
        } else if (event.type === 'OrderConfirmed') {
          confirmedOnKafka.set(event.aggregateId, performance.now());
        }
      }
      if (answers.length) {
        await responderBus.publish(
          answers.map((e) => ({ topic: Topics.inventory, key: e.aggregateId, value: JSON.stringify(e) })),
        );
      }
      batch.markProcessed(batch.messages[batch.messages.length - 1].offset);
    },
  });

  const readModel: number[] = [];
  const measured: string[] = [];
  const onKafka: number[] = [];
  let done = 0;
  let next = 0;
  const started = performance.now();

  async function one(measure: boolean): Promise<void> {
    const t0 = performance.now();
    const placed = await service.http('/v1/orders', {
      token,
      body: { items: [{ sku, quantity: 1 }], shippingAddress: ADDRESS },
    });
    if (placed.status !== 202)
      throw new Error(`place answered ${placed.status}: ${JSON.stringify(placed.body)}`);
    const id = placed.body.id as string;
    for (;;) {
      const order = await service.http(`/v1/orders/${id}`, { token });
      if (order.body.status === 'CONFIRMED') break;
      if (order.body.status !== 'PENDING') throw new Error(`order ${id} is ${order.body.status}`);
      if (performance.now() - t0 > 30_000) throw new Error(`order ${id} not confirmed after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const t1 = performance.now();
    while (!confirmedOnKafka.has(id)) {
      if (performance.now() - t0 > 30_000) throw new Error(`OrderConfirmed of ${id} not seen on Kafka`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (measure) {
      measured.push(id);
      readModel.push(t1 - t0);
      onKafka.push(confirmedOnKafka.get(id)! - t0);
    }
  }

  console.log(`warming up with ${WARMUP} orders ...`);
  for (let i = 0; i < WARMUP; i++) await one(false);

  console.log(`placing ${TOTAL} orders, ${CONCURRENCY} at a time ...`);
  const measuredStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) {
        next++;
        await one(true);
        done++;
        if (done % 50 === 0) console.log(`  ${done}/${TOTAL} confirmed`);
      }
    }),
  );
  const seconds = (performance.now() - measuredStart) / 1000;

  console.log(
    `\nPOST /v1/orders -> CONFIRMED (${RESPONDER ? 'inventory played by a Kafka responder' : 'with the inventory service'})`,
  );
  console.log(summary('read model', readModel));
  console.log(summary('on Kafka', onKafka));
  const legs = measured.map((id) => stamps.get(id)!).filter((s) => s.placed && s.reserved && s.confirmed);
  if (legs.length > 0) {
    console.log('where the time goes (event occurredAt stamps, same clock):');
    console.log(
      summary(
        '  placed->reserved',
        legs.map((s) => s.reserved! - s.placed!),
      ),
    );
    console.log(
      summary(
        '  reserved->confirmed',
        legs.map((s) => s.confirmed! - s.reserved!),
      ),
    );
  }
  console.log(
    `throughput   ${(TOTAL / seconds).toFixed(1)} orders/s confirmed at concurrency ${CONCURRENCY} (${seconds.toFixed(1)} s, total run ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );

  await responder.stop();
  await responderBus.close();
  await upstream.close();
  await inventory?.close();
  await service.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
