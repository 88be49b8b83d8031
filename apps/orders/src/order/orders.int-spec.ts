import { createEventSchemaRegistry, EventEnvelope, Topics } from '@ecom/contracts';
import { EventSourcingRuntime, REDIS, SERVICES } from '@ecom/platform';
import { grpcTestClient, startTestService, TestService, TopicProbe, waitUntil } from '@ecom/testing';
import * as grpc from '@grpc/grpc-js';
import { plainToInstance } from 'class-transformer';
import { createHash } from 'crypto';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppModule } from '../app.module';
import { ADDRESS, FakeUpstream, uniqueSku, waitForPrices, waitForStatus } from '../test/orders-test-kit';
import { fingerprintOf } from './place-order/idempotency';
import { PlaceOrderDto } from './place-order/place-order.dto';
import { OrderSummaryProjection } from './read-model/order-summary.projection';

/**
 * The orders service on its own, through real HTTP, gRPC, PostgreSQL, Redis and Kafka. Inventory's
 * and catalog's parts are played by this test publishing their events on their topics.
 */
describe('orders service', () => {
  let service: TestService;
  let upstream: FakeUpstream;
  let probe: TopicProbe;
  let alice: string;
  let bob: string;
  let operator: string;
  const registry = createEventSchemaRegistry();
  const TEE = uniqueSku('tee');
  const CAP = uniqueSku('cap');
  const DRAFT = uniqueSku('draft');

  const typesOf = (events: EventEnvelope[]) => events.map((e) => e.type);

  async function placeConfirmed(token: string, items = [{ sku: TEE, quantity: 2 }]) {
    const placed = await service.http('/v1/orders', {
      token,
      body: { items, shippingAddress: ADDRESS, channel: 'web' },
    });
    expect(placed.status).toBe(202);
    await upstream.stockReserved(placed.body.id, items);
    return waitForStatus(service, token, placed.body.id, 'CONFIRMED');
  }

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.orders);
    upstream = FakeUpstream.create(service.topicPrefix);
    probe = await TopicProbe.start(service.topicPrefix, [Topics.orders]);
    alice = await service.tokens.bearer('member-alice');
    bob = await service.tokens.bearer('member-bob');
    operator = await service.tokens.bearer('staff-1', 'operator');
    await upstream.listProduct({ [TEE]: 1999, [CAP]: 500 });
    await upstream.listProduct({ [DRAFT]: 100 }, { listed: false });
    await waitForPrices(service, [TEE, CAP]);
    await waitForPrices(service, [DRAFT], false);
  });

  afterAll(async () => {
    await probe?.stop();
    await upstream?.close();
    await service?.close();
  });

  describe('prices from catalog.events', () => {
    it('follows price changes, unpublishing and discontinuation', async () => {
      const sku = uniqueSku('mug');
      const productId = await upstream.listProduct({ [sku]: 800 });
      await waitForPrices(service, [sku]);
      await upstream.catalogEvent(productId, 'SkuPriceChanged', {
        productId,
        sku,
        price: 750,
        previousPrice: 800,
        currency: 'CNY',
      });
      await waitUntil(
        async () => {
          const placed = await service.http('/v1/orders', {
            token: alice,
            body: { items: [{ sku, quantity: 2 }], shippingAddress: ADDRESS },
          });
          return placed.status === 202 && placed.body.total === 1500;
        },
        { message: 'the new price to be used' },
      );
      await upstream.catalogEvent(productId, 'ProductUnpublished', { productId, skus: [sku] });
      await waitForPrices(service, [sku], false);
      const refused = await service.http('/v1/orders', {
        token: alice,
        body: { items: [{ sku, quantity: 1 }], shippingAddress: ADDRESS },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.message).toContain(sku);
    });
  });

  describe('carts', () => {
    it('keeps an anonymous cart addressable by its id, with visitor and channel on every event', async () => {
      const created = await service.http('/v1/carts', {
        body: { visitorId: 'visitor-42', channel: 'mini_program' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        memberId: null,
        visitorId: 'visitor-42',
        channel: 'mini_program',
        items: [],
      });
      const cartId = created.body.id;
      const added = await service.http(`/v1/carts/${cartId}/items`, { body: { sku: TEE, quantity: 2 } });
      expect(added.status).toBe(201);
      await service.http(`/v1/carts/${cartId}/items`, { body: { sku: CAP, quantity: 1 } });
      const removed = await service.http(`/v1/carts/${cartId}/items/${CAP}`, { method: 'DELETE' });
      expect(removed.status).toBe(200);
      const cart = await service.http(`/v1/carts/${cartId}`);
      expect(cart.body).toMatchObject({ status: 'OPEN', total: 3998, currency: 'CNY' });
      expect(cart.body.items).toEqual([
        { sku: TEE, quantity: 2, unitPrice: 1999, lineTotal: 3998, available: true },
      ]);

      const events = await probe.waitForEvents(
        (all) => all.filter((e) => e.aggregateId === cartId).length === 4,
      );
      const cartEvents = events.filter((e) => e.aggregateId === cartId);
      expect(typesOf(cartEvents)).toEqual([
        'CartCreated',
        'CartItemAdded',
        'CartItemAdded',
        'CartItemRemoved',
      ]);
      for (const event of cartEvents) {
        expect(event.data).toMatchObject({
          cartId,
          visitorId: 'visitor-42',
          channel: 'mini_program',
          memberId: null,
        });
        expect(() => registry.validate(event)).not.toThrow();
      }
      expect(cartEvents[1].data).toMatchObject({ sku: TEE, quantity: 2, unitPrice: 1999, currency: 'CNY' });
    });

    it("keeps a member's cart to that member, and refuses unknown and unlisted SKUs with 422", async () => {
      const created = await service.http('/v1/carts', { token: alice, body: { channel: 'web' } });
      expect(created.body).toMatchObject({ memberId: 'member-alice', visitorId: 'member-alice' });
      const cartId = created.body.id;
      expect((await service.http(`/v1/carts/${cartId}`, { token: bob })).status).toBe(404);
      expect((await service.http(`/v1/carts/${cartId}`)).status).toBe(404);
      expect(
        (await service.http(`/v1/carts/${cartId}/items`, { token: bob, body: { sku: TEE, quantity: 1 } }))
          .status,
      ).toBe(404);
      const unknown = await service.http(`/v1/carts/${cartId}/items`, {
        token: alice,
        body: { sku: 'NO-SUCH-SKU', quantity: 1 },
      });
      expect(unknown.status).toBe(422);
      const draft = await service.http(`/v1/carts/${cartId}/items`, {
        token: alice,
        body: { sku: DRAFT, quantity: 1 },
      });
      expect(draft.status).toBe(422);
      const priced = await service.http(`/v1/carts/${cartId}/items`, {
        token: alice,
        body: { sku: TEE, quantity: 1, price: 1 },
      });
      expect(priced.status).toBe(400);
      expect(String(priced.body.message)).toMatch(/price should not exist/);
      expect((await service.http('/v1/carts', { body: {} })).status).toBe(400);
    });

    it('checks a cart out into an order once; the cart then takes no more items', async () => {
      const cartId = (await service.http('/v1/carts', { body: { visitorId: 'visitor-7', channel: 'app' } }))
        .body.id;
      await service.http(`/v1/carts/${cartId}/items`, { body: { sku: CAP, quantity: 3 } });
      const placed = await service.http('/v1/orders', {
        token: bob,
        body: { cartId, shippingAddress: ADDRESS },
      });
      expect(placed.status).toBe(202);
      expect(placed.body).toMatchObject({ status: 'PENDING', total: 1500, currency: 'CNY' });
      const again = await service.http('/v1/orders', {
        token: bob,
        body: { cartId, shippingAddress: ADDRESS },
      });
      expect(again.status).toBe(409);
      expect(again.body.message).toBe('Cart is CHECKED_OUT: cannot check out');
      const add = await service.http(`/v1/carts/${cartId}/items`, { body: { sku: CAP, quantity: 1 } });
      expect(add.status).toBe(409);
      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.type === 'OrderPlaced' && e.aggregateId === placed.body.id),
      );
      const orderPlaced = events.find((e) => e.type === 'OrderPlaced' && e.aggregateId === placed.body.id)!;
      // The funnel follows the anonymous visitor from add-to-cart to the order.
      expect(orderPlaced.data).toMatchObject({
        memberId: 'member-bob',
        visitorId: 'visitor-7',
        channel: 'app',
        cartId,
      });
      expect(events.find((e) => e.type === 'CartCheckedOut' && e.aggregateId === cartId)?.data).toMatchObject(
        {
          orderId: placed.body.id,
          memberId: 'member-bob',
        },
      );
    });
  });

  describe('checkout and the saga', () => {
    it('answers 202 PENDING at once, confirms on StockReserved, and publishes no personal data', async () => {
      const placed = await service.http('/v1/orders', {
        token: alice,
        body: {
          items: [
            { sku: TEE, quantity: 2 },
            { sku: CAP, quantity: 1 },
          ],
          shippingAddress: ADDRESS,
        },
      });
      expect(placed.status).toBe(202);
      expect(placed.body).toEqual({
        id: expect.any(String),
        status: 'PENDING',
        total: 4498,
        currency: 'CNY',
      });
      const orderId = placed.body.id;
      const pending = await service.http(`/v1/orders/${orderId}`, { token: alice });
      expect(pending.body).toMatchObject({ status: 'PENDING', memberId: 'member-alice', total: 4498 });

      const [placedEvent] = (
        await probe.waitForEvents((all) => all.some((e) => e.aggregateId === orderId))
      ).filter((e) => e.aggregateId === orderId);
      expect(placedEvent).toMatchObject({
        type: 'OrderPlaced',
        source: 'orders',
        aggregateType: 'Order',
        sequence: 1,
        data: {
          orderId,
          memberId: 'member-alice',
          visitorId: 'member-alice',
          channel: null,
          shippingRegion: 'Zhejiang',
          total: 4498,
          lines: [
            { sku: TEE, quantity: 2, unitPrice: 1999, lineTotal: 3998 },
            { sku: CAP, quantity: 1, unitPrice: 500, lineTotal: 500 },
          ],
        },
      });
      const raw = JSON.stringify(placedEvent);
      for (const secret of [ADDRESS.phone, ADDRESS.line1, ADDRESS.name, ADDRESS.postalCode])
        expect(raw).not.toContain(secret);

      await upstream.stockReserved(orderId, [
        { sku: TEE, quantity: 2 },
        { sku: CAP, quantity: 1 },
      ]);
      const confirmed = await waitForStatus(service, alice, orderId, 'CONFIRMED');
      expect(confirmed.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
      expect(confirmed.shippingAddress).toMatchObject({ line1: ADDRESS.line1, province: 'Zhejiang' });
      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.type === 'OrderConfirmed' && e.aggregateId === orderId),
      );
      const confirmedEvent = events.find((e) => e.type === 'OrderConfirmed' && e.aggregateId === orderId)!;
      expect(confirmedEvent.data).toMatchObject({
        lines: [
          { sku: TEE, warehouse: 'WH-1', quantity: 2 },
          { sku: CAP, warehouse: 'WH-1', quantity: 1 },
        ],
      });
      expect(confirmedEvent.causationId).not.toBeNull();
    });

    it('rejects the order when inventory cannot reserve it', async () => {
      const placed = await service.http('/v1/orders', {
        token: alice,
        body: { items: [{ sku: CAP, quantity: 50 }], shippingAddress: ADDRESS },
      });
      await upstream.stockRejected(placed.body.id, [{ sku: CAP, requested: 50, available: 3 }]);
      const rejected = await waitForStatus(service, alice, placed.body.id, 'REJECTED');
      expect(rejected.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'REJECTED']);
      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.type === 'OrderRejected' && e.aggregateId === placed.body.id),
      );
      expect(
        events.find((e) => e.type === 'OrderRejected' && e.aggregateId === placed.body.id)?.data,
      ).toMatchObject({
        shortLines: [{ sku: CAP, requested: 50, available: 3 }],
      });
      const pay = await service.http(`/v1/orders/${placed.body.id}/payments`, {
        token: alice,
        body: { amount: 25000, method: 'card' },
      });
      expect(pay.status).toBe(409);
      expect(pay.body.message).toBe('Order is REJECTED: cannot pay');
    });

    it('refuses a price in the body (400 unknown field), unknown SKUs (422) and items with a cart (400)', async () => {
      const priced = await service.http('/v1/orders', {
        token: alice,
        body: { items: [{ sku: TEE, quantity: 1, price: 1 }], shippingAddress: ADDRESS },
      });
      expect(priced.status).toBe(400);
      expect(priced.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(String(priced.body.message)).toMatch(/price should not exist/);
      const total = await service.http('/v1/orders', {
        token: alice,
        body: { items: [{ sku: TEE, quantity: 1 }], total: 1, shippingAddress: ADDRESS },
      });
      expect(total.status).toBe(400);
      const unknown = await service.http('/v1/orders', {
        token: alice,
        body: { items: [{ sku: 'NOPE-1', quantity: 1 }], shippingAddress: ADDRESS },
      });
      expect(unknown.status).toBe(422);
      expect(unknown.body).toMatchObject({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: 'SKU not available for sale: NOPE-1',
      });
      const both = await service.http('/v1/orders', {
        token: alice,
        body: { items: [{ sku: TEE, quantity: 1 }], cartId: 'x', shippingAddress: ADDRESS },
      });
      expect(both.status).toBe(400);
      const noAddress = await service.http('/v1/orders', {
        token: alice,
        body: { items: [{ sku: TEE, quantity: 1 }] },
      });
      expect(noAddress.status).toBe(400);
      expect(
        (
          await service.http('/v1/orders', {
            body: { items: [{ sku: TEE, quantity: 1 }], shippingAddress: ADDRESS },
          })
        ).status,
      ).toBe(401);
    });
  });

  describe('Idempotency-Key', () => {
    const countPlaced = async (memberId: string) => {
      const rows = await service.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM orders_view WHERE member_id = $1`, [memberId]);
      return rows[0].n as number;
    };

    it('gives the same answer and one order for the same key, sequentially and concurrently', async () => {
      const carol = await service.tokens.bearer('member-carol');
      const body = { items: [{ sku: TEE, quantity: 1 }], shippingAddress: ADDRESS };
      const headers = { 'idempotency-key': 'checkout-1' };
      const first = await service.http('/v1/orders', { token: carol, body, headers });
      const second = await service.http('/v1/orders', { token: carol, body, headers });
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');

      const concurrent = await Promise.all(
        Array.from({ length: 8 }, () =>
          service.http('/v1/orders', { token: carol, body, headers: { 'idempotency-key': 'checkout-2' } }),
        ),
      );
      expect(concurrent.map((r) => r.status)).toEqual(Array(8).fill(202));
      expect(new Set(concurrent.map((r) => r.body.id)).size).toBe(1);
      expect(concurrent[0].body.id).not.toBe(first.body.id);
      expect(await countPlaced('member-carol')).toBe(2);

      // The same key with another body is refused; another member's same key is their own.
      const reused = await service.http('/v1/orders', {
        token: carol,
        body: { ...body, items: [{ sku: CAP, quantity: 1 }] },
        headers,
      });
      expect(reused.status).toBe(422);
      expect(reused.body.message).toMatch(/different request body/);
      const dave = await service.tokens.bearer('member-dave');
      const other = await service.http('/v1/orders', { token: dave, body, headers });
      expect(other.status).toBe(202);
      expect(other.body.id).not.toBe(first.body.id);
      expect(await countPlaced('member-carol')).toBe(2);
    });

    it('takes over a key whose first request died before creating the order, under the id it had chosen', async () => {
      const gina = await service.tokens.bearer('member-gina');
      const body = { items: [{ sku: TEE, quantity: 1 }], shippingAddress: ADDRESS };
      const chosenId = uuidv7();
      // What a request that claimed the key five minutes ago and then died leaves in Redis.
      const redisKey = `orders:idempotency:member-gina:${createHash('sha256').update('abandoned-1').digest('hex')}`;
      await service.app.get<Redis>(REDIS).set(
        redisKey,
        JSON.stringify({
          state: 'pending',
          fingerprint: fingerprintOf(plainToInstance(PlaceOrderDto, body)),
          resourceId: chosenId,
          startedAt: Date.now() - 5 * 60_000,
        }),
        'PX',
        60_000,
      );
      const headers = { 'idempotency-key': 'abandoned-1' };
      const taken = await service.http('/v1/orders', { token: gina, body, headers });
      expect(taken.status).toBe(202);
      expect(taken.body.id).toBe(chosenId);
      const replay = await service.http('/v1/orders', { token: gina, body, headers });
      expect(replay.body).toEqual(taken.body);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await countPlaced('member-gina')).toBe(1);
    });

    it('releases the key when the request fails, so a corrected request can use it', async () => {
      const erin = await service.tokens.bearer('member-erin');
      const headers = { 'idempotency-key': 'retry-me' };
      const failed = await service.http('/v1/orders', {
        token: erin,
        body: { items: [{ sku: 'NOPE-2', quantity: 1 }], shippingAddress: ADDRESS },
        headers,
      });
      expect(failed.status).toBe(422);
      const retried = await service.http('/v1/orders', {
        token: erin,
        body: { items: [{ sku: CAP, quantity: 1 }], shippingAddress: ADDRESS },
        headers,
      });
      expect(retried.status).toBe(202);
    });
  });

  describe('payment, fulfilment and authorization', () => {
    it('runs CONFIRMED -> PAID -> SHIPPED -> DELIVERED -> COMPLETED with the checks of each step', async () => {
      const order = await placeConfirmed(alice);
      const id = order.id;

      // Another member's order does not exist for them.
      expect((await service.http(`/v1/orders/${id}`, { token: bob })).status).toBe(404);
      expect(
        (
          await service.http(`/v1/orders/${id}/payments`, {
            token: bob,
            body: { amount: 3998, method: 'card' },
          })
        ).status,
      ).toBe(404);
      expect((await service.http(`/v1/orders/${id}/cancel`, { token: bob, body: {} })).status).toBe(404);

      // An unpaid order cannot ship; customers cannot ship at all.
      const early = await service.http(`/v1/orders/${id}/shipments`, {
        token: operator,
        body: { carrier: 'SF', trackingNo: 'SF1' },
      });
      expect(early.status).toBe(409);
      expect(early.body).toMatchObject({
        statusCode: 409,
        error: 'Conflict',
        message: 'Order is CONFIRMED: cannot ship',
      });
      expect(
        (
          await service.http(`/v1/orders/${id}/shipments`, {
            token: alice,
            body: { carrier: 'SF', trackingNo: 'SF1' },
          })
        ).status,
      ).toBe(403);

      const wrong = await service.http(`/v1/orders/${id}/payments`, {
        token: alice,
        body: { amount: 3997, method: 'card' },
      });
      expect(wrong.status).toBe(422);
      expect(wrong.body.message).toMatch(/must equal the order total 3998/);
      expect(
        (
          await service.http(`/v1/orders/${id}/payments`, {
            token: alice,
            body: { amount: 3998, method: 'Card!' },
          })
        ).status,
      ).toBe(400);

      const paid = await service.http(`/v1/orders/${id}/payments`, {
        token: alice,
        body: { amount: 3998, method: 'alipay' },
      });
      expect(paid.status).toBe(201);
      expect(paid.body).toMatchObject({
        orderId: id,
        amount: 3998,
        currency: 'CNY',
        method: 'alipay',
        status: 'PAID',
      });
      const twice = await service.http(`/v1/orders/${id}/payments`, {
        token: alice,
        body: { amount: 3998, method: 'alipay' },
      });
      expect(twice.status).toBe(409);

      const shipped = await service.http(`/v1/orders/${id}/shipments`, {
        token: operator,
        body: { carrier: 'SF', trackingNo: 'SF1' },
      });
      expect(shipped.status).toBe(201);
      expect(shipped.body).toMatchObject({
        status: 'SHIPPED',
        shipment: { carrier: 'SF', trackingNo: 'SF1' },
      });
      expect(
        (await service.http(`/v1/orders/${id}/confirm-receipt`, { token: alice, method: 'POST' })).status,
      ).toBe(409);
      expect((await service.http(`/v1/orders/${id}/deliver`, { token: alice, method: 'POST' })).status).toBe(
        403,
      );
      expect(
        (await service.http(`/v1/orders/${id}/deliver`, { token: operator, method: 'POST' })).body.status,
      ).toBe('DELIVERED');
      expect(
        (await service.http(`/v1/orders/${id}/confirm-receipt`, { token: bob, method: 'POST' })).status,
      ).toBe(404);
      const completed = await service.http(`/v1/orders/${id}/confirm-receipt`, {
        token: alice,
        method: 'POST',
      });
      expect(completed.status).toBe(200);
      expect(completed.body.history.map((h: { status: string }) => h.status)).toEqual([
        'PENDING',
        'CONFIRMED',
        'PAID',
        'SHIPPED',
        'DELIVERED',
        'COMPLETED',
      ]);

      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.type === 'OrderCompleted' && e.aggregateId === id),
      );
      const mine = events.filter((e) => e.aggregateId === id);
      expect(typesOf(mine)).toEqual([
        'OrderPlaced',
        'OrderConfirmed',
        'OrderPaid',
        'OrderShipped',
        'OrderDelivered',
        'OrderCompleted',
      ]);
      expect(mine.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(mine[2].data).toMatchObject({
        amount: 3998,
        method: 'alipay',
        visitorId: 'member-alice',
        paymentId: paid.body.paymentId,
      });
      expect(mine[5].data).toMatchObject({ completedBy: 'customer' });
      mine.forEach((e) => expect(() => registry.validate(e)).not.toThrow());
    });

    it('cancels a CONFIRMED order without refund and a PAID one with a full refund; a PENDING one cannot be', async () => {
      const unpaid = await placeConfirmed(alice, [{ sku: CAP, quantity: 1 }]);
      const cancelled = await service.http(`/v1/orders/${unpaid.id}/cancel`, {
        token: alice,
        body: { reason: 'changed_mind' },
      });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('CANCELLED');

      const paid = await placeConfirmed(alice, [{ sku: CAP, quantity: 2 }]);
      await service.http(`/v1/orders/${paid.id}/payments`, {
        token: alice,
        body: { amount: 1000, method: 'wechat_pay' },
      });
      const byOperator = await service.http(`/v1/orders/${paid.id}/cancel`, { token: operator, body: {} });
      expect(byOperator.body).toMatchObject({ status: 'CANCELLED', refunded: 1000 });
      const again = await service.http(`/v1/orders/${paid.id}/cancel`, { token: alice, body: {} });
      expect(again.status).toBe(409);
      expect(again.body.message).toBe('Order is CANCELLED: cannot cancel');

      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.type === 'RefundIssued' && e.aggregateId === paid.id),
      );
      const paidEvents = events.filter((e) => e.aggregateId === paid.id);
      expect(typesOf(paidEvents)).toEqual([
        'OrderPlaced',
        'OrderConfirmed',
        'OrderPaid',
        'OrderCancelled',
        'RefundIssued',
      ]);
      expect(paidEvents[3].data).toMatchObject({
        cancelledBy: 'operator',
        previousStatus: 'PAID',
        lines: [{ sku: CAP, quantity: 2 }],
      });
      expect(paidEvents[4].data).toMatchObject({ amount: 1000, cause: 'CANCELLATION', returnId: null });
      expect(
        events.find((e) => e.type === 'OrderCancelled' && e.aggregateId === unpaid.id)?.data,
      ).toMatchObject({
        cancelledBy: 'customer',
        reason: 'changed_mind',
        previousStatus: 'CONFIRMED',
      });
      expect(events.some((e) => e.type === 'RefundIssued' && e.aggregateId === unpaid.id)).toBe(false);

      const pendingOrder = await service.http('/v1/orders', {
        token: alice,
        body: { items: [{ sku: CAP, quantity: 1 }], shippingAddress: ADDRESS },
      });
      const refused = await service.http(`/v1/orders/${pendingOrder.body.id}/cancel`, {
        token: alice,
        body: {},
      });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toBe('Order is PENDING: cannot cancel');
    });

    it('answers 502 and leaves the order PAID when the gateway cannot refund its cancellation', async () => {
      const order = await placeConfirmed(alice, [{ sku: CAP, quantity: 1 }]);
      const payment = await service.http(`/v1/orders/${order.id}/payments`, {
        token: alice,
        body: { amount: 500, method: 'card' },
      });
      expect(payment.status).toBe(201);
      // The simulated gateway forgets the payment, so the refund of the cancellation is refused.
      await service.app.get<Redis>(REDIS).del(`orders:paysim:payment:${payment.body.paymentId}`);
      const cancelled = await service.http(`/v1/orders/${order.id}/cancel`, { token: alice, body: {} });
      expect(cancelled.status).toBe(502);
      expect(cancelled.body).toEqual({
        statusCode: 502,
        error: 'Bad Gateway',
        message: expect.stringMatching(/^payment gateway: refund \S+ refused: /),
      });
      const after = await service.http(`/v1/orders/${order.id}`, { token: alice });
      expect(after.body).toMatchObject({ status: 'PAID', refunded: 0 });
    });
  });

  describe('returns', () => {
    it('goes REQUESTED -> APPROVED -> RECEIVED -> REFUNDED; the note stays out of the events', async () => {
      const order = await placeConfirmed(alice, [
        { sku: TEE, quantity: 2 },
        { sku: CAP, quantity: 1 },
      ]);
      const id = order.id;
      const early = await service.http(`/v1/orders/${id}/returns`, {
        token: alice,
        body: { items: [{ sku: TEE, quantity: 1 }], reason: 'QUALITY' },
      });
      expect(early.status).toBe(409);
      expect(early.body.message).toBe('Order is CONFIRMED: cannot request a return');
      await service.http(`/v1/orders/${id}/payments`, {
        token: alice,
        body: { amount: 4498, method: 'card' },
      });
      await service.http(`/v1/orders/${id}/shipments`, {
        token: operator,
        body: { carrier: 'SF', trackingNo: 'SF2' },
      });
      await service.http(`/v1/orders/${id}/deliver`, { token: operator, method: 'POST' });

      const badReason = await service.http(`/v1/orders/${id}/returns`, {
        token: alice,
        body: { items: [{ sku: TEE, quantity: 1 }], reason: 'BORED' },
      });
      expect(badReason.status).toBe(400);
      const tooMany = await service.http(`/v1/orders/${id}/returns`, {
        token: alice,
        body: { items: [{ sku: TEE, quantity: 3 }], reason: 'QUALITY' },
      });
      expect(tooMany.status).toBe(422);
      expect(
        (
          await service.http(`/v1/orders/${id}/returns`, {
            token: bob,
            body: { items: [{ sku: TEE, quantity: 1 }], reason: 'QUALITY' },
          })
        ).status,
      ).toBe(404);

      const note = 'Sleeve seam torn, call me on 13800000000';
      const requested = await service.http(`/v1/orders/${id}/returns`, {
        token: alice,
        body: { items: [{ sku: TEE, quantity: 1 }], reason: 'SIZE_MISMATCH', note },
      });
      expect(requested.status).toBe(201);
      expect(requested.body).toMatchObject({
        orderId: id,
        status: 'REQUESTED',
        reason: 'SIZE_MISMATCH',
        amount: 1999,
        note,
      });
      const returnId = requested.body.id;

      const refundEarly = await service.http(`/v1/returns/${returnId}/refund`, {
        token: operator,
        method: 'POST',
      });
      expect(refundEarly.status).toBe(409);
      expect(refundEarly.body.message).toBe('Return is REQUESTED: cannot refund');
      expect(
        (await service.http(`/v1/returns/${returnId}/approve`, { token: alice, method: 'POST' })).status,
      ).toBe(403);
      expect(
        (await service.http(`/v1/returns/${returnId}/approve`, { token: operator, method: 'POST' })).body
          .status,
      ).toBe('APPROVED');
      expect(
        (await service.http(`/v1/returns/${returnId}/receive`, { token: operator, method: 'POST' })).body
          .status,
      ).toBe('RECEIVED');
      const refunded = await service.http(`/v1/returns/${returnId}/refund`, {
        token: operator,
        method: 'POST',
      });
      expect(refunded.status).toBe(200);
      expect(refunded.body).toMatchObject({ status: 'REFUNDED', refundId: expect.any(String) });
      expect(refunded.body.history.map((h: { status: string }) => h.status)).toEqual([
        'REQUESTED',
        'APPROVED',
        'RECEIVED',
        'REFUNDED',
      ]);
      expect((await service.http(`/v1/returns/${returnId}`, { token: bob })).status).toBe(404);

      const detail = await service.http(`/v1/orders/${id}`, { token: alice });
      expect(detail.body).toMatchObject({
        status: 'DELIVERED',
        refunded: 1999,
        returns: [{ id: returnId, status: 'REFUNDED' }],
      });

      const events = await probe.waitForEvents((all) =>
        all.some((e) => e.type === 'RefundIssued' && e.aggregateId === id),
      );
      const returnEvents = events.filter(
        (e) => e.aggregateId === id && (e.data as { returnId?: string }).returnId === returnId,
      );
      expect(typesOf(returnEvents)).toEqual([
        'ReturnRequested',
        'ReturnApproved',
        'ReturnReceived',
        'RefundIssued',
      ]);
      expect(returnEvents[0].data).toMatchObject({
        reason: 'SIZE_MISMATCH',
        lines: [{ sku: TEE, quantity: 1 }],
        amount: 1999,
      });
      expect(returnEvents[2].data).toMatchObject({ lines: [{ sku: TEE, quantity: 1 }] });
      expect(returnEvents[3].data).toMatchObject({ cause: 'RETURN', amount: 1999, returnId });
      expect(JSON.stringify(events)).not.toContain('Sleeve seam');
    });
  });

  describe('read model', () => {
    it('lists own orders newest first with cursor paging; operators filter by member and status', async () => {
      const frank = await service.tokens.bearer('member-frank');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(
          (
            await service.http('/v1/orders', {
              token: frank,
              body: { items: [{ sku: CAP, quantity: 1 }], shippingAddress: ADDRESS },
            })
          ).body.id,
        );
      }
      const page1 = await service.http('/v1/orders?limit=2', { token: frank });
      expect(page1.body.items.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
      const page2 = await service.http(`/v1/orders?limit=2&cursor=${page1.body.nextCursor}`, {
        token: frank,
      });
      expect(page2.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
      expect((await service.http('/v1/orders?memberId=member-alice', { token: frank })).status).toBe(403);
      const byOperator = await service.http('/v1/orders?memberId=member-frank&status=PENDING', {
        token: operator,
      });
      expect(byOperator.body.items).toHaveLength(3);
      expect((await service.http('/v1/orders?status=LOST', { token: operator })).status).toBe(400);
      expect((await service.http('/v1/orders?cursor=%%%', { token: operator })).status).toBe(400);
    });

    it('rebuilds the order read model from the event store identically', async () => {
      const dataSource = service.app.get(DataSource);
      const snapshot = async () => ({
        orders: await dataSource.query(`SELECT * FROM orders_view ORDER BY order_id`),
        returns: await dataSource.query(`SELECT * FROM order_returns_view ORDER BY return_id`),
      });
      const live = await snapshot();
      expect(live.orders.length).toBeGreaterThan(5);
      // The rebuild truncates the projection's tables first: appends wait for it until it commits.
      const rebuilt = await service.app
        .get(EventSourcingRuntime)
        .rebuildInlineProjection(new OrderSummaryProjection());
      expect(rebuilt).toBeGreaterThan(0);
      expect(await snapshot()).toEqual(live);
    });
  });

  describe('gRPC orders.v1.OrdersService', () => {
    it('places and reads an order with the token in the authorization metadata', async () => {
      const client = grpcTestClient<
        grpc.Client &
          Record<
            string,
            (
              request: unknown,
              metadata: grpc.Metadata,
              callback: (error: grpc.ServiceError | null, response: never) => void,
            ) => void
          >
      >('orders', 'OrdersService', service.grpcAddress!);
      const call = <T>(method: string, request: unknown, token?: string) =>
        new Promise<T>((resolve, reject) => {
          const metadata = new grpc.Metadata();
          if (token) metadata.set('authorization', token);
          client[method](request, metadata, (error, response) =>
            error ? reject(error) : resolve(response as T),
          );
        });
      try {
        const request = {
          items: [{ sku: TEE, quantity: 1 }],
          shippingAddress: { ...ADDRESS, line2: '' },
          channel: 'app',
          idempotencyKey: 'grpc-1',
        };
        const placed = await call<{ id: string; status: string; total: string; currency: string }>(
          'PlaceOrder',
          request,
          alice,
        );
        expect(placed).toMatchObject({ status: 'PENDING', total: '1999', currency: 'CNY' });
        const replay = await call<{ id: string }>('PlaceOrder', request, alice);
        expect(replay.id).toBe(placed.id);
        const order = await call<{ id: string; memberId: string; items: unknown[]; history: unknown[] }>(
          'GetOrder',
          { id: placed.id },
          alice,
        );
        expect(order).toMatchObject({
          id: placed.id,
          memberId: 'member-alice',
          status: 'PENDING',
          items: [{ sku: TEE, quantity: 1, unitPrice: '1999', lineTotal: '1999' }],
        });
        expect(order.history).toEqual([{ status: 'PENDING', at: expect.any(String) }]);
        await expect(call('GetOrder', { id: placed.id }, bob)).rejects.toMatchObject({
          code: grpc.status.NOT_FOUND,
        });
        await expect(call('GetOrder', { id: placed.id })).rejects.toMatchObject({
          code: grpc.status.UNAUTHENTICATED,
        });
        await expect(
          call(
            'PlaceOrder',
            { ...request, items: [{ sku: 'NOPE-3', quantity: 1 }], idempotencyKey: '' },
            alice,
          ),
        ).rejects.toMatchObject({
          code: grpc.status.FAILED_PRECONDITION,
        });
        await expect(
          call('PlaceOrder', { ...request, shippingAddress: null, idempotencyKey: '' }, alice),
        ).rejects.toMatchObject({
          code: grpc.status.INVALID_ARGUMENT,
        });
      } finally {
        client.close();
      }
    });
  });
});
