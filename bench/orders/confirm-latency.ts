/**
 * Confirm latency of the order saga: time from POST /v1/orders (202 PENDING) until the order is
 * CONFIRMED, measured two ways per order:
 *   - "read model": until GET /v1/orders/:id answers CONFIRMED (what a storefront polling sees);
 *   - "on Kafka": until OrderConfirmed reaches a consumer of orders.events (what downstream systems see).
 *
 * Inventory's part is played by a responder on Kafka: it consumes OrderPlaced and answers StockReserved
 * at once (no stock logic), so the figure is the orders side plus two Kafka hops and two outbox relays.
 *
 *   node -r @swc-node/register bench/orders/confirm-latency.ts [orders=300] [concurrency=8]
 */
import './bench-env';
import 'reflect-metadata';
import { EventEnvelope, Topics } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import { randomSuffix, startTestService, TestService, testMessageBus } from '@ecom/testing';
import { AppModule } from '../../apps/orders/src/app.module';
import { ADDRESS, envelope, FakeUpstream, waitForPrices } from '../../apps/orders/src/test/orders-test-kit';

const TOTAL = Number(process.argv[2] ?? 300);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const WARMUP = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(label: string, values: number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return (
    `${label.padEnd(12)} n=${sorted.length}  mean ${mean.toFixed(1)} ms  p50 ${percentile(sorted, 50).toFixed(1)}  ` +
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

  // Inventory's stand-in: every OrderPlaced is answered with StockReserved for all its lines.
  const responderBus = testMessageBus(service.topicPrefix, 'bench-responder');
  const confirmedOnKafka = new Map<string, number>();
  const responder = await responderBus.subscribe({
    groupId: `bench-responder-${randomSuffix()}`,
    topics: [Topics.orders],
    fromBeginning: true,
    handleBatch: async (batch) => {
      const answers: EventEnvelope[] = [];
      for (const message of batch.messages) {
        const event = JSON.parse(message.value!.toString('utf8')) as EventEnvelope<{
          orderId: string;
          lines: { sku: string; quantity: number }[];
        }>;
        if (event.type === 'OrderPlaced') {
          answers.push(
            envelope('inventory', 'Reservation', event.data.orderId, 'StockReserved', {
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

  console.log('\nPOST /v1/orders -> CONFIRMED (inventory played by a Kafka responder)');
  console.log(summary('read model', readModel));
  console.log(summary('on Kafka', onKafka));
  console.log(
    `throughput   ${(TOTAL / seconds).toFixed(1)} orders/s confirmed at concurrency ${CONCURRENCY} (${seconds.toFixed(1)} s, total run ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );

  await responder.stop();
  await responderBus.close();
  await upstream.close();
  await service.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
