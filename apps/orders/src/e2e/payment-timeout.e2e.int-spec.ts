import { Topics } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import {
  ServiceProcess,
  startServiceProcess,
  startTestService,
  TestService,
  TopicProbe,
} from '@ecom/testing';
import { AppModule as OrdersAppModule } from '../app.module';
import { ADDRESS, FakeUpstream, uniqueSku, waitForPrices, waitForStatus } from '../test/orders-test-kit';
import { InventoryDriver } from './inventory-harness';

const TIMERS = { ORDER_PAYMENT_TIMEOUT: '3s', ORDER_SCHEDULER_INTERVAL: '200ms' };

/**
 * The payment timeout end to end with two orders replicas (one database, one topic prefix, both
 * running the timer) and the inventory service: each unpaid order is cancelled once and its stock
 * released once.
 */
describe('payment timeout with two orders replicas and inventory', () => {
  let a: TestService;
  let b: TestService;
  let inventory: ServiceProcess;
  let upstream: FakeUpstream;
  let probe: TopicProbe;
  let stock: InventoryDriver;
  let alice: string;
  const SKU = uniqueSku('e2e-timeout');

  beforeAll(async () => {
    a = await startTestService(OrdersAppModule, SERVICES.orders, { env: TIMERS });
    b = await startTestService(OrdersAppModule, SERVICES.orders, {
      database: a.database,
      topicPrefix: a.topicPrefix,
      tokens: a.tokens,
      env: TIMERS,
    });
    inventory = await startServiceProcess('inventory', {
      topicPrefix: a.topicPrefix,
      tokens: a.tokens,
    });
    upstream = FakeUpstream.create(a.topicPrefix);
    probe = await TopicProbe.start(a.topicPrefix, [Topics.orders, Topics.inventory]);
    alice = await a.tokens.bearer('member-alice');
    stock = new InventoryDriver(inventory, await a.tokens.bearer('staff-1', 'operator'));
    await upstream.listProduct({ [SKU]: 700 });
    await stock.createWarehouse('WH-T');
    await stock.receive(SKU, 'WH-T', 20);
    await waitForPrices(a, [SKU]);
  });

  afterAll(async () => {
    await probe?.stop();
    await upstream?.close();
    await inventory?.close();
    await b?.close();
    await a?.close();
  });

  it('cancels every unpaid order and releases its stock exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const via = i % 2 ? a : b;
      const placed = await via.http('/v1/orders', {
        token: alice,
        body: { items: [{ sku: SKU, quantity: 2 }], shippingAddress: ADDRESS },
      });
      expect(placed.status).toBe(202);
      ids.push(placed.body.id);
    }
    for (const id of ids) await waitForStatus(a, alice, id, 'CONFIRMED');
    await stock.waitForStock(SKU, { onHand: 20, reserved: 8, available: 12 });

    for (const id of ids) {
      const cancelled = await waitForStatus(b, alice, id, 'CANCELLED');
      expect(cancelled.history.map((h: { status: string }) => h.status)).toEqual([
        'PENDING',
        'CONFIRMED',
        'CANCELLED',
      ]);
    }
    await stock.waitForStock(SKU, { onHand: 20, reserved: 0, available: 20 });

    // A further order proves more sweeps of both replicas ran after the first cancellations.
    const marker = await a.http('/v1/orders', {
      token: alice,
      body: { items: [{ sku: SKU, quantity: 1 }], shippingAddress: ADDRESS },
    });
    await waitForStatus(a, alice, marker.body.id, 'CANCELLED');
    const all = [...ids, marker.body.id];
    const events = await probe.waitForEvents((list) =>
      all.every((id) =>
        list.some((e) => e.type === 'StockReleased' && (e.data as { orderId: string }).orderId === id),
      ),
    );
    for (const id of all) {
      const cancelledEvents = events.filter((e) => e.type === 'OrderCancelled' && e.aggregateId === id);
      const released = events.filter(
        (e) => e.type === 'StockReleased' && (e.data as { orderId: string }).orderId === id,
      );
      expect(cancelledEvents).toHaveLength(1);
      expect(cancelledEvents[0].data).toMatchObject({
        cancelledBy: 'system',
        reason: 'PAYMENT_TIMEOUT',
        previousStatus: 'CONFIRMED',
      });
      expect(released).toHaveLength(1);
      expect(released[0].data).toMatchObject({ orderId: id, reason: 'PAYMENT_TIMEOUT' });
    }
    await stock.waitForStock(SKU, { onHand: 20, reserved: 0, available: 20 });
  });
});
