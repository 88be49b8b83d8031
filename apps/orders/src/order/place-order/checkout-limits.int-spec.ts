import { REDIS, SERVICES } from '@ecom/platform';
import {
  grpcTestClient,
  randomSuffix,
  startTestService,
  TcpProxy,
  testInfrastructure,
  TestService,
  waitUntil,
} from '@ecom/testing';
import * as grpc from '@grpc/grpc-js';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module';
import { ADDRESS, FakeUpstream, uniqueSku, waitForPrices, waitForStatus } from '../../test/orders-test-kit';
import { CheckoutUnavailableError } from './checkout-limits';
import { PlaceOrderDto } from './place-order.dto';
import { PlaceOrderHandler } from './place-order.handler';

const LIMIT_VARIABLES = [
  'ORDER_RATE_PER_MEMBER',
  'ORDER_BURST_PER_MEMBER',
  'ORDER_RATE_PER_VISITOR',
  'ORDER_BURST_PER_VISITOR',
  'ORDER_MAX_UNPAID_PER_MEMBER',
];

/**
 * POST /v1/orders limits (CheckoutLimits) against real Redis, PostgreSQL and Kafka: one service with
 * small rate limits (3 orders at once per member, 4 per visitor, then one every 10 s) and one with a
 * cap of 3 unpaid orders per member whose Redis is reached through a proxy the test can cut.
 */
describe('checkout limits: rate per member and per visitor, unpaid-order cap, Redis down', () => {
  let rated: TestService;
  let capped: TestService;
  let proxy: TcpProxy;
  const upstreams: FakeUpstream[] = [];
  const SKU = uniqueSku('limit');

  const order = (service: TestService, token: string, extra: Record<string, unknown> = {}) =>
    service.http('/v1/orders', {
      token,
      body: { items: [{ sku: SKU, quantity: 1 }], shippingAddress: ADDRESS, ...extra },
    });
  const statusesOf = (answers: { status: number }[]) => answers.map((a) => a.status).sort();
  const member = (label: string) => `${label}-${randomSuffix()}`;

  async function withPrices(service: TestService): Promise<void> {
    const upstream = FakeUpstream.create(service.topicPrefix);
    upstreams.push(upstream);
    await upstream.listProduct({ [SKU]: 1000 });
    await waitForPrices(service, [SKU]);
  }

  beforeAll(async () => {
    // Settings are read from the environment when each app is created: start them one after the other.
    rated = await startTestService(AppModule, SERVICES.orders, {
      env: {
        ORDER_RATE_PER_MEMBER: '0.1',
        ORDER_BURST_PER_MEMBER: '3',
        ORDER_RATE_PER_VISITOR: '0.1',
        ORDER_BURST_PER_VISITOR: '4',
        ORDER_MAX_UNPAID_PER_MEMBER: '200',
      },
    });
    const redis = new URL(testInfrastructure().redisUrl);
    proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    await proxy.start();
    capped = await startTestService(AppModule, SERVICES.orders, {
      env: {
        REDIS_URL: `redis://127.0.0.1:${proxy.port}${redis.pathname}`,
        ORDER_RATE_PER_MEMBER: '1000',
        ORDER_BURST_PER_MEMBER: '1000',
        ORDER_RATE_PER_VISITOR: '1000',
        ORDER_BURST_PER_VISITOR: '1000',
        ORDER_MAX_UNPAID_PER_MEMBER: '3',
      },
    });
    await Promise.all([withPrices(rated), withPrices(capped)]);
  });

  afterAll(async () => {
    for (const upstream of upstreams) await upstream.close();
    await rated?.close();
    await capped?.close();
    await proxy?.stop();
    for (const name of LIMIT_VARIABLES) delete process.env[name];
  });

  describe('rate limits', () => {
    it('refuses a member over its burst with 429 and Retry-After; other members are not affected', async () => {
      const alice = await rated.tokens.bearer(member('alice'));
      // Each order from another visitor id: only the member's bucket (3) can refuse.
      const answers = await Promise.all(
        [1, 2, 3, 4].map((i) => order(rated, alice, { visitorId: `visitor-${randomSuffix()}-${i}` })),
      );
      expect(statusesOf(answers)).toEqual([202, 202, 202, 429]);
      const limited = answers.find((a) => a.status === 429)!;
      expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(limited.body.message).toContain('member');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(10);

      const bob = await rated.tokens.bearer(member('bob'));
      expect((await order(rated, bob)).status).toBe(202);
    });

    it('refuses a visitor id over its burst across members (429 naming the visitor)', async () => {
      const visitorId = `shared-device-${randomSuffix()}`;
      const tokens = await Promise.all([1, 2, 3, 4, 5].map((i) => rated.tokens.bearer(member(`m${i}`))));
      const answers: { status: number; body: { message?: string }; headers: Headers }[] = [];
      for (const token of tokens) answers.push(await order(rated, token, { visitorId }));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 429]);
      expect(answers[4].body.message).toContain('visitor');
      expect(Number(answers[4].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });
  });

  describe('gRPC PlaceOrder', () => {
    it('refuses over the rate limit with RESOURCE_EXHAUSTED and over the cap with ABORTED', async () => {
      type Call = (
        request: unknown,
        metadata: grpc.Metadata,
        callback: (error: grpc.ServiceError | null, response: unknown) => void,
      ) => void;
      const place = async (service: TestService, token: string) => {
        const client = grpcTestClient<grpc.Client & { PlaceOrder: Call }>(
          'orders',
          'OrdersService',
          service.grpcAddress!,
        );
        try {
          const metadata = new grpc.Metadata();
          metadata.set('authorization', token);
          return await new Promise<grpc.status>((resolve) =>
            client.PlaceOrder(
              { items: [{ sku: SKU, quantity: 1 }], shippingAddress: ADDRESS },
              metadata,
              (error) => resolve(error ? error.code : grpc.status.OK),
            ),
          );
        } finally {
          client.close();
        }
      };
      const grace = await rated.tokens.bearer(member('grace'));
      const rateCodes: grpc.status[] = [];
      for (let i = 0; i < 4; i++) rateCodes.push(await place(rated, grace));
      expect(rateCodes).toEqual([
        grpc.status.OK,
        grpc.status.OK,
        grpc.status.OK,
        grpc.status.RESOURCE_EXHAUSTED,
      ]);

      const heidi = await capped.tokens.bearer(member('heidi'));
      const capCodes: grpc.status[] = [];
      for (let i = 0; i < 4; i++) capCodes.push(await place(capped, heidi));
      expect(capCodes).toEqual([grpc.status.OK, grpc.status.OK, grpc.status.OK, grpc.status.ABORTED]);
    });
  });

  describe('unpaid-order cap (3 here)', () => {
    it('refuses the 4th unpaid order with 409 TOO_MANY_UNPAID_ORDERS, exactly, also when placed at once', async () => {
      const memberId = member('carol');
      const carol = await capped.tokens.bearer(memberId);
      const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => order(capped, carol)));
      expect(statusesOf(answers)).toEqual([202, 202, 202, 409, 409, 409]);
      expect(answers.find((a) => a.status === 409)!.body).toMatchObject({
        statusCode: 409,
        code: 'TOO_MANY_UNPAID_ORDERS',
      });
      const [{ n }] = await capped.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM orders_view WHERE member_id = $1`, [memberId]);
      expect(n).toBe(3);
    });

    it('frees a place when an unpaid order is rejected, paid or cancelled', async () => {
      const upstream = upstreams[1];
      const dave = await capped.tokens.bearer(member('dave'));
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const placed = await order(capped, dave);
        expect(placed.status).toBe(202);
        ids.push(placed.body.id);
      }
      expect((await order(capped, dave)).status).toBe(409);
      /** The next order is accepted once the freed place is seen (the removal follows the commit). */
      const placeOnceFreed = () =>
        waitUntil(
          async () => {
            const placed = await order(capped, dave);
            if (placed.status !== 202 && placed.status !== 409) throw new Error(`got ${placed.status}`);
            return placed.status === 202 ? (placed.body.id as string) : undefined;
          },
          { message: 'a freed place for an order' },
        );

      await upstream.stockRejected(ids[0], [{ sku: SKU, requested: 1, available: 0 }]);
      await waitForStatus(capped, dave, ids[0], 'REJECTED');
      ids.push(await placeOnceFreed());
      expect((await order(capped, dave)).status).toBe(409);

      await upstream.stockReserved(ids[1], [{ sku: SKU, quantity: 1 }]);
      const confirmed = await waitForStatus(capped, dave, ids[1], 'CONFIRMED');
      const paid = await capped.http(`/v1/orders/${ids[1]}/payments`, {
        token: dave,
        body: { amount: confirmed.total, method: 'card' },
      });
      expect(paid.status).toBe(201);
      ids.push(await placeOnceFreed());
      expect((await order(capped, dave)).status).toBe(409);

      await upstream.stockReserved(ids[2], [{ sku: SKU, quantity: 1 }]);
      await waitForStatus(capped, dave, ids[2], 'CONFIRMED');
      expect((await capped.http(`/v1/orders/${ids[2]}/cancel`, { token: dave, body: {} })).status).toBe(200);
      await placeOnceFreed();
      expect((await order(capped, dave)).status).toBe(409);
    });

    it('gives the place back when the checkout fails after taking it (422 unknown SKU)', async () => {
      const ivan = await capped.tokens.bearer(member('ivan'));
      for (let i = 0; i < 4; i++) {
        const refused = await capped.http('/v1/orders', {
          token: ivan,
          body: { items: [{ sku: `NOPE-${randomSuffix()}`, quantity: 1 }], shippingAddress: ADDRESS },
        });
        expect(refused.status).toBe(422);
      }
      expect(statusesOf(await Promise.all([1, 2, 3, 4].map(() => order(capped, ivan))))).toEqual([
        202, 202, 202, 409,
      ]);
    });

    it('checks the order read model before refusing, so orders it lost track of do not lock a member out', async () => {
      const memberId = member('erin');
      const erin = await capped.tokens.bearer(memberId);
      // Three entries for orders that do not exist (as if their removals had been lost), a minute old.
      const redis = capped.app.get<Redis>(REDIS);
      const at = Date.now() - 60_000;
      await redis.zadd(`orders:checkout:unpaid:${memberId}`, at, 'ghost-1', at, 'ghost-2', at, 'ghost-3');
      expect((await order(capped, erin)).status).toBe(202);
      expect((await order(capped, erin)).status).toBe(202);
      expect((await order(capped, erin)).status).toBe(202);
      expect((await order(capped, erin)).status).toBe(409);
    });
  });

  describe('Redis unreachable', () => {
    it('answers 503 with Retry-After and places nothing, then places again once Redis is back', async () => {
      const memberId = member('frank');
      const frank = await capped.tokens.bearer(memberId);
      const count = async () => {
        const [{ n }] = await capped.app
          .get(DataSource)
          .query(`SELECT count(*)::int AS n FROM orders_view WHERE member_id = $1`, [memberId]);
        return n as number;
      };
      await proxy.stop();
      try {
        const variants: Record<string, string>[] = [{}, { 'idempotency-key': `k-${randomSuffix()}` }];
        for (const headers of variants) {
          const refused = await capped.http('/v1/orders', {
            token: frank,
            headers,
            body: { items: [{ sku: SKU, quantity: 1 }], shippingAddress: ADDRESS },
          });
          expect(refused.status).toBe(503);
          expect(refused.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
          expect(refused.headers.get('retry-after')).toBe('1');
        }
        // The auth guard may already refuse with 503 (its own Redis check): the checkout itself as well,
        // with and without an Idempotency-Key, and never with a raw Redis error (a 500).
        const handler = capped.app.get(PlaceOrderHandler);
        const dto = Object.assign(new PlaceOrderDto(), {
          items: [{ sku: SKU, quantity: 1 }],
          shippingAddress: ADDRESS,
        });
        const context = { correlationId: `c-${randomSuffix()}`, causationId: null };
        for (const key of [undefined, `k-${randomSuffix()}`]) {
          const refusal = await handler
            .execute({ id: memberId, roles: ['customer'] }, dto, context, key)
            .then(
              () => undefined,
              (error: unknown) => error,
            );
          expect(refusal).toBeInstanceOf(CheckoutUnavailableError);
          expect((refusal as CheckoutUnavailableError).getStatus()).toBe(503);
          expect((refusal as CheckoutUnavailableError).retryAfterSeconds).toBe(1);
        }
        expect(await count()).toBe(0);
      } finally {
        await proxy.start();
      }
      await waitUntil(async () => (await order(capped, frank)).status === 202, {
        message: 'checkout to work again once Redis is back',
      });
      expect(await count()).toBe(1);
    });
  });
});
