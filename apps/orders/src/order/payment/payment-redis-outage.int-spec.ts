import { SERVICES } from '@ecom/platform';
import {
  randomSuffix,
  startTestService,
  TcpProxy,
  testInfrastructure,
  TestService,
  waitUntil,
} from '@ecom/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module';
import { ADDRESS, FakeUpstream, uniqueSku, waitForPrices, waitForStatus } from '../../test/orders-test-kit';

/**
 * The simulated payment gateway keeps its charges, payments and refunds in Redis. With Redis cut
 * (through a proxy the test stops), paying and refunding answer 503 with Retry-After and leave the
 * order as it was; once Redis is back the same requests succeed.
 */
describe('payments with the simulator store (Redis) unreachable', () => {
  let service: TestService;
  let upstream: FakeUpstream;
  let proxy: TcpProxy;
  const SKU = uniqueSku('paydown');

  beforeAll(async () => {
    const redis = new URL(testInfrastructure().redisUrl);
    proxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    await proxy.start();
    service = await startTestService(AppModule, SERVICES.orders, {
      env: {
        REDIS_URL: `redis://127.0.0.1:${proxy.port}${redis.pathname}`,
        // The guard trusts the token version it read for 10 s: the requests below, made within that
        // time, reach the gateway instead of being refused by the guard's own Redis check.
        AUTH_REVOCATION_CACHE_MS: '10000',
      },
    });
    upstream = FakeUpstream.create(service.topicPrefix);
    await upstream.listProduct({ [SKU]: 1250 });
    await waitForPrices(service, [SKU]);
  });

  afterAll(async () => {
    await upstream?.close();
    await service?.close();
    await proxy?.stop();
    delete process.env.AUTH_REVOCATION_CACHE_MS;
  });

  async function placeConfirmed(token: string): Promise<{ id: string; total: number }> {
    const items = [{ sku: SKU, quantity: 2 }];
    const placed = await service.http('/v1/orders', { token, body: { items, shippingAddress: ADDRESS } });
    expect(placed.status).toBe(202);
    await upstream.stockReserved(placed.body.id, items);
    return waitForStatus(service, token, placed.body.id, 'CONFIRMED');
  }

  /** The order as stored: its read-model status and how many events its stream holds. */
  async function stored(orderId: string): Promise<{ status: string; events: number }> {
    const [row] = await service.app.get(DataSource).query(
      `SELECT v.status, (SELECT count(*)::int FROM es_events e
               WHERE e.aggregate_type = 'Order' AND e.aggregate_id = v.order_id) AS events
       FROM orders_view v WHERE v.order_id = $1`,
      [orderId],
    );
    return row;
  }

  function expectRetryLater(response: { status: number; body: unknown; headers: Headers }): void {
    expect({ status: response.status, body: response.body }).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringContaining('payment gateway'),
      },
    });
    expect(response.headers.get('retry-after')).toBe('1');
  }

  it('answers 503 with Retry-After to a payment and a refund, changes nothing, and works once Redis is back', async () => {
    const token = await service.tokens.bearer(`payer-${randomSuffix()}`);
    const unpaid = await placeConfirmed(token);
    const paid = await placeConfirmed(token);
    const payment = await service.http(`/v1/orders/${paid.id}/payments`, {
      token,
      body: { amount: paid.total, method: 'card' },
    });
    expect(payment.status).toBe(201);
    // A read through the guard just before the cut: its token version is now trusted for 10 s.
    await waitForStatus(service, token, paid.id, 'PAID');
    const before = { unpaid: await stored(unpaid.id), paid: await stored(paid.id) };
    expect(before.unpaid.status).toBe('CONFIRMED');
    expect(before.paid.status).toBe('PAID');

    await proxy.stop();
    try {
      expectRetryLater(
        await service.http(`/v1/orders/${unpaid.id}/payments`, {
          token,
          body: { amount: unpaid.total, method: 'card' },
        }),
      );
      // Cancelling a paid order refunds it through the gateway.
      expectRetryLater(await service.http(`/v1/orders/${paid.id}/cancel`, { token, body: {} }));
      expect({ unpaid: await stored(unpaid.id), paid: await stored(paid.id) }).toEqual(before);
    } finally {
      await proxy.start();
    }

    const paidAgain = await waitUntil(
      async () => {
        const answer = await service.http(`/v1/orders/${unpaid.id}/payments`, {
          token,
          body: { amount: unpaid.total, method: 'card' },
        });
        return answer.status === 503 ? undefined : answer;
      },
      { message: 'payment to work again once Redis is back' },
    );
    expect(paidAgain.status).toBe(201);
    expect(paidAgain.body).toMatchObject({ orderId: unpaid.id, status: 'PAID', amount: unpaid.total });
    const cancelled = await service.http(`/v1/orders/${paid.id}/cancel`, { token, body: {} });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
  });
});
