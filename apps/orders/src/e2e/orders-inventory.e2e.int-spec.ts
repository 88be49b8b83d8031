import { EventEnvelope, Topics } from '@ecom/contracts';
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

/**
 * End to end through real Kafka: the orders service (in this process) and the inventory service (a
 * child process, see startServiceProcess), each on its own database, sharing one topic prefix.
 * Catalog's part (prices, listing) is played by publishing its events; everything else is the two
 * services talking over orders.events and inventory.events.
 */
describe('orders and inventory end to end', () => {
  let orders: TestService;
  let inventory: ServiceProcess;
  let upstream: FakeUpstream;
  let probe: TopicProbe;
  let stock: InventoryDriver;
  let alice: string;
  let operator: string;
  const WH = 'WH-E2E';
  const TEE = uniqueSku('e2e-tee');
  const CAP = uniqueSku('e2e-cap');

  const of = (orderId: string, topic?: string) =>
    probe
      .events()
      .filter((e) => e.aggregateId === orderId || (e.data as { orderId?: string }).orderId === orderId)
      .filter((e) => !topic || (topic === Topics.orders ? e.source === 'orders' : e.source === 'inventory'));
  const types = (events: EventEnvelope[]) => events.map((e) => e.type);
  const reservationEvents = (orderId: string) =>
    of(orderId, Topics.inventory).filter((e) => e.aggregateType === 'Reservation');

  async function place(items: { sku: string; quantity: number }[]): Promise<string> {
    const placed = await orders.http('/v1/orders', {
      token: alice,
      body: { items, shippingAddress: ADDRESS, channel: 'web' },
    });
    expect(placed.status).toBe(202);
    expect(placed.body.status).toBe('PENDING');
    return placed.body.id;
  }

  beforeAll(async () => {
    orders = await startTestService(OrdersAppModule, SERVICES.orders);
    inventory = await startServiceProcess('inventory', {
      topicPrefix: orders.topicPrefix,
      tokens: orders.tokens,
    });
    upstream = FakeUpstream.create(orders.topicPrefix);
    probe = await TopicProbe.start(orders.topicPrefix, [Topics.orders, Topics.inventory]);
    alice = await orders.tokens.bearer('member-alice');
    operator = await orders.tokens.bearer('staff-1', 'operator');
    stock = new InventoryDriver(inventory, operator);
    await upstream.listProduct({ [TEE]: 1999, [CAP]: 500 });
    await stock.createWarehouse(WH);
    await stock.receive(TEE, WH, 10);
    await stock.receive(CAP, WH, 1);
    await waitForPrices(orders, [TEE, CAP]);
  });

  afterAll(async () => {
    await probe?.stop();
    await upstream?.close();
    await inventory?.close();
    await orders?.close();
  });

  it('place -> CONFIRMED -> pay -> ship -> deliver -> confirm receipt -> COMPLETED, every step on the topics', async () => {
    const id = await place([{ sku: TEE, quantity: 2 }]);
    await waitForStatus(orders, alice, id, 'CONFIRMED');
    await stock.waitForStock(TEE, { onHand: 10, reserved: 2, available: 8 });

    expect(
      (
        await orders.http(`/v1/orders/${id}/payments`, {
          token: alice,
          body: { amount: 3998, method: 'alipay' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await orders.http(`/v1/orders/${id}/shipments`, {
          token: operator,
          body: { carrier: 'SF', trackingNo: 'SF-E2E-1' },
        })
      ).status,
    ).toBe(201);
    await stock.waitForStock(TEE, { onHand: 8, reserved: 0, available: 8 });
    expect((await orders.http(`/v1/orders/${id}/deliver`, { token: operator, method: 'POST' })).status).toBe(
      200,
    );
    const completed = await orders.http(`/v1/orders/${id}/confirm-receipt`, { token: alice, method: 'POST' });
    expect(completed.body.status).toBe('COMPLETED');

    await probe.waitForEvents(
      () =>
        of(id, Topics.orders).some((e) => e.type === 'OrderCompleted') &&
        reservationEvents(id).some((e) => e.type === 'StockShipped'),
    );
    expect(types(of(id, Topics.orders))).toEqual([
      'OrderPlaced',
      'OrderConfirmed',
      'OrderPaid',
      'OrderShipped',
      'OrderDelivered',
      'OrderCompleted',
    ]);
    expect(types(reservationEvents(id))).toEqual(['StockReserved', 'StockShipped']);
    const reserved = reservationEvents(id)[0];
    expect(reserved.data).toMatchObject({ orderId: id, lines: [{ sku: TEE, warehouse: WH, quantity: 2 }] });
    // The saga's chain of causes: OrderPlaced -> StockReserved -> OrderConfirmed, one correlation id.
    const [placed, confirmed] = of(id, Topics.orders);
    expect(reserved.causationId).toBe(placed.id);
    expect(confirmed.causationId).toBe(reserved.id);
    expect(new Set([placed.correlationId, reserved.correlationId, confirmed.correlationId]).size).toBe(1);
  });

  it('rejects an order inventory cannot cover, and reserves nothing for it', async () => {
    const id = await place([
      { sku: TEE, quantity: 1 },
      { sku: CAP, quantity: 5 },
    ]);
    const rejected = await waitForStatus(orders, alice, id, 'REJECTED');
    expect(rejected.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'REJECTED']);
    await probe.waitForEvents(() => of(id, Topics.orders).some((e) => e.type === 'OrderRejected'));
    expect(types(reservationEvents(id))).toEqual(['StockReservationRejected']);
    expect(reservationEvents(id)[0].data).toMatchObject({
      shortLines: [{ sku: CAP, requested: 5, available: 1 }],
    });
    expect(of(id, Topics.orders).find((e) => e.type === 'OrderRejected')?.data).toMatchObject({
      shortLines: [{ sku: CAP, requested: 5, available: 1 }],
    });
    await stock.waitForStock(CAP, { onHand: 1, reserved: 0, available: 1 });
    expect(await stock.stock(TEE)).toMatchObject({ reserved: 0, available: 8 });
  });

  it('cancels a paid order: refund issued and the stock released', async () => {
    const id = await place([{ sku: TEE, quantity: 3 }]);
    await waitForStatus(orders, alice, id, 'CONFIRMED');
    await stock.waitForStock(TEE, { reserved: 3, available: 5 });
    expect(
      (
        await orders.http(`/v1/orders/${id}/payments`, {
          token: alice,
          body: { amount: 5997, method: 'card' },
        })
      ).status,
    ).toBe(201);
    const cancelled = await orders.http(`/v1/orders/${id}/cancel`, {
      token: alice,
      body: { reason: 'changed_mind' },
    });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', refunded: 5997 });
    await stock.waitForStock(TEE, { onHand: 8, reserved: 0, available: 8 });

    await probe.waitForEvents(() => reservationEvents(id).some((e) => e.type === 'StockReleased'));
    expect(types(of(id, Topics.orders))).toEqual([
      'OrderPlaced',
      'OrderConfirmed',
      'OrderPaid',
      'OrderCancelled',
      'RefundIssued',
    ]);
    expect(of(id, Topics.orders)[4].data).toMatchObject({ amount: 5997, cause: 'CANCELLATION' });
    expect(types(reservationEvents(id))).toEqual(['StockReserved', 'StockReleased']);
    expect(reservationEvents(id)[1].data).toMatchObject({
      reason: 'ORDER_CANCELLED',
      lines: [{ sku: TEE, warehouse: WH, quantity: 3 }],
    });
  });

  it('takes a return with a reason: the units go back on hand and the value is refunded', async () => {
    const id = await place([{ sku: TEE, quantity: 2 }]);
    await waitForStatus(orders, alice, id, 'CONFIRMED');
    await orders.http(`/v1/orders/${id}/payments`, { token: alice, body: { amount: 3998, method: 'card' } });
    await orders.http(`/v1/orders/${id}/shipments`, {
      token: operator,
      body: { carrier: 'SF', trackingNo: 'SF-E2E-2' },
    });
    await stock.waitForStock(TEE, { onHand: 6, reserved: 0, available: 6 });
    await orders.http(`/v1/orders/${id}/deliver`, { token: operator, method: 'POST' });

    const requested = await orders.http(`/v1/orders/${id}/returns`, {
      token: alice,
      body: { items: [{ sku: TEE, quantity: 1 }], reason: 'DAMAGED_IN_TRANSIT', note: 'box crushed' },
    });
    expect(requested.status).toBe(201);
    const returnId = requested.body.id;
    await orders.http(`/v1/returns/${returnId}/approve`, { token: operator, method: 'POST' });
    await orders.http(`/v1/returns/${returnId}/receive`, { token: operator, method: 'POST' });
    await stock.waitForStock(TEE, { onHand: 7, available: 7 });
    const refunded = await orders.http(`/v1/returns/${returnId}/refund`, { token: operator, method: 'POST' });
    expect(refunded.body).toMatchObject({ status: 'REFUNDED', amount: 1999 });

    await probe.waitForEvents(
      () =>
        reservationEvents(id).some((e) => e.type === 'StockReturned') &&
        of(id, Topics.orders).some((e) => e.type === 'RefundIssued'),
    );
    expect(types(of(id, Topics.orders)).slice(-4)).toEqual([
      'ReturnRequested',
      'ReturnApproved',
      'ReturnReceived',
      'RefundIssued',
    ]);
    expect(of(id, Topics.orders).find((e) => e.type === 'ReturnRequested')?.data).toMatchObject({
      reason: 'DAMAGED_IN_TRANSIT',
    });
    expect(of(id, Topics.orders).find((e) => e.type === 'RefundIssued')?.data).toMatchObject({
      cause: 'RETURN',
      amount: 1999,
      returnId,
    });
    expect(reservationEvents(id).find((e) => e.type === 'StockReturned')?.data).toMatchObject({
      returnId,
      lines: [{ sku: TEE, warehouse: WH, quantity: 1 }],
    });
  });
});
