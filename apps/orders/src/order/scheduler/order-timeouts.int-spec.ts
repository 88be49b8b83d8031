import { Topics } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import { startTestService, TestService, TopicProbe, waitUntil } from '@ecom/testing';
import { AppModule } from '../../app.module';
import { ADDRESS, FakeUpstream, uniqueSku, waitForPrices, waitForStatus } from '../../test/orders-test-kit';
import { OrderTimeoutScheduler } from './order-timeouts.scheduler';

const TIMERS = { ORDER_PAYMENT_TIMEOUT: '2s', ORDER_RETURN_WINDOW: '2s', ORDER_SCHEDULER_INTERVAL: '200ms' };

/**
 * Two replicas of the orders service on one database and one topic prefix, both running the timeout
 * scheduler: unpaid orders are cancelled once, delivered orders complete once. Replica B's simulated
 * gateway declines every payment (PAYMENT_SIMULATOR_FAILURE_RATE=1), replica A's none.
 */
describe('order timers across two replicas', () => {
  let a: TestService;
  let b: TestService;
  let upstream: FakeUpstream;
  let probe: TopicProbe;
  let alice: string;
  let operator: string;
  const SKU = uniqueSku('sock');

  const eventsOf = (orderId: string, type: string) =>
    probe.events().filter((e) => e.aggregateId === orderId && e.type === type);

  async function placeConfirmed(via: TestService, quantity = 1): Promise<string> {
    const placed = await via.http('/v1/orders', {
      token: alice,
      body: { items: [{ sku: SKU, quantity }], shippingAddress: ADDRESS },
    });
    expect(placed.status).toBe(202);
    await upstream.stockReserved(placed.body.id, [{ sku: SKU, quantity }]);
    await waitForStatus(via, alice, placed.body.id, 'CONFIRMED');
    return placed.body.id;
  }

  beforeAll(async () => {
    a = await startTestService(AppModule, SERVICES.orders, {
      env: { ...TIMERS, PAYMENT_SIMULATOR_FAILURE_RATE: '0' },
    });
    b = await startTestService(AppModule, SERVICES.orders, {
      database: a.database,
      topicPrefix: a.topicPrefix,
      tokens: a.tokens,
      env: { ...TIMERS, PAYMENT_SIMULATOR_FAILURE_RATE: '1' },
    });
    upstream = FakeUpstream.create(a.topicPrefix);
    probe = await TopicProbe.start(a.topicPrefix, [Topics.orders]);
    alice = await a.tokens.bearer('member-alice');
    operator = await a.tokens.bearer('staff-1', 'operator');
    await upstream.listProduct({ [SKU]: 1200 });
    await waitForPrices(a, [SKU]);
  });

  afterAll(async () => {
    await probe?.stop();
    await upstream?.close();
    await b?.close();
    await a?.close();
  });

  it('records a declined payment (402, PaymentFailed), then cancels the unpaid order once, by the system', async () => {
    const orderId = await placeConfirmed(a);
    const declined = await b.http(`/v1/orders/${orderId}/payments`, {
      token: alice,
      body: { amount: 1200, method: 'card' },
    });
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ statusCode: 402, error: 'Payment Required' });
    expect((await a.http(`/v1/orders/${orderId}`, { token: alice })).body.status).toBe('CONFIRMED');

    const cancelled = await waitForStatus(a, alice, orderId, 'CANCELLED');
    expect(cancelled.history.map((h: { status: string }) => h.status)).toEqual([
      'PENDING',
      'CONFIRMED',
      'CANCELLED',
    ]);
    const confirmedAt = Date.parse(cancelled.history[1].at);
    const cancelledAt = Date.parse(cancelled.history[2].at);
    expect(cancelledAt - confirmedAt).toBeGreaterThanOrEqual(2000);

    await probe.waitForEvents(() => eventsOf(orderId, 'OrderCancelled').length > 0);
    expect(eventsOf(orderId, 'PaymentFailed')).toHaveLength(1);
    expect(eventsOf(orderId, 'PaymentFailed')[0].data).toMatchObject({
      amount: 1200,
      method: 'card',
      reason: expect.any(String),
    });
    expect(eventsOf(orderId, 'OrderCancelled')[0].data).toMatchObject({
      cancelledBy: 'system',
      reason: 'PAYMENT_TIMEOUT',
      previousStatus: 'CONFIRMED',
      lines: [{ sku: SKU, quantity: 1 }],
    });
    // Paying after the timeout is too late.
    const late = await a.http(`/v1/orders/${orderId}/payments`, {
      token: alice,
      body: { amount: 1200, method: 'card' },
    });
    expect(late.status).toBe(409);
    expect(late.body.message).toBe('Order is CANCELLED: cannot pay');
  });

  it('leaves a paid order alone and completes a delivered one when the return window closes', async () => {
    const orderId = await placeConfirmed(b);
    expect(
      (
        await a.http(`/v1/orders/${orderId}/payments`, {
          token: alice,
          body: { amount: 1200, method: 'card' },
        })
      ).status,
    ).toBe(201);
    await b.http(`/v1/orders/${orderId}/shipments`, {
      token: operator,
      body: { carrier: 'SF', trackingNo: 'T-9' },
    });
    await a.http(`/v1/orders/${orderId}/deliver`, { token: operator, method: 'POST' });
    const completed = await waitForStatus(b, alice, orderId, 'COMPLETED');
    expect(completed.history.map((h: { status: string }) => h.status)).toEqual([
      'PENDING',
      'CONFIRMED',
      'PAID',
      'SHIPPED',
      'DELIVERED',
      'COMPLETED',
    ]);
    await probe.waitForEvents(() => eventsOf(orderId, 'OrderCompleted').length > 0);
    expect(eventsOf(orderId, 'OrderCompleted')[0].data).toMatchObject({ completedBy: 'system' });
    expect(eventsOf(orderId, 'OrderCancelled')).toHaveLength(0);
  });

  it('cancels each unpaid order exactly once while both replicas sweep at the same time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await placeConfirmed(i % 2 ? a : b));
    // Besides both replicas' own timers, force sweeps from both at once, as if the timeout had passed.
    const later = new Date(Date.now() + 60_000);
    const sweeps = await Promise.all(
      [a, b, a, b].map((svc) => svc.app.get(OrderTimeoutScheduler).sweep(later)),
    );
    const byForcedSweeps = sweeps.reduce((sum, s) => sum + (s?.cancelled ?? 0), 0);
    expect(byForcedSweeps).toBeLessThanOrEqual(ids.length);
    for (const id of ids) await waitForStatus(a, alice, id, 'CANCELLED');
    // Let several more rounds of both timers run, then count: one OrderCancelled per order.
    const marker = await placeConfirmed(a);
    await waitForStatus(a, alice, marker, 'CANCELLED');
    await probe.waitForEvents(() =>
      [...ids, marker].every((id) => eventsOf(id, 'OrderCancelled').length > 0),
    );
    for (const id of [...ids, marker]) {
      expect(eventsOf(id, 'OrderCancelled')).toHaveLength(1);
    }
    const sequences = probe
      .events()
      .filter((e) => ids.includes(e.aggregateId))
      .map((e) => `${e.aggregateId}:${e.sequence}`);
    expect(new Set(sequences).size).toBe(sequences.length);
  });

  it('runs only one sweep at a time across the replicas', async () => {
    const results = await Promise.all([a, b, a, b].map((svc) => svc.app.get(OrderTimeoutScheduler).sweep()));
    // Each sweep either ran (holding the advisory lock) or found another replica sweeping.
    expect(
      results.every(
        (r) => r === null || (typeof r.cancelled === 'number' && typeof r.completed === 'number'),
      ),
    ).toBe(true);
    await waitUntil(
      async () => {
        const overlapping = await Promise.all(
          [a, b].map((svc) => svc.app.get(OrderTimeoutScheduler).sweep()),
        );
        return overlapping.some((r) => r === null) || undefined;
      },
      { message: 'two overlapping sweeps, one of them refused the lock', timeoutMs: 10_000, intervalMs: 0 },
    );
  });
});
