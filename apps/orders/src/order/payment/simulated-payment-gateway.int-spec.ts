import { randomSuffix, testInfrastructure } from '@ecom/testing';
import Redis from 'ioredis';
import { PaymentGatewayError, PaymentGatewayUnavailableError } from './payment-gateway.port';
import { SimulatedPaymentGateway } from './simulated-payment-gateway';

describe('SimulatedPaymentGateway (Redis)', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(testInfrastructure().redisUrl, { keyPrefix: `paysim-${randomSuffix()}.` });
  });
  afterAll(() => redis.quit());

  const charge = (gateway: SimulatedPaymentGateway, key: string, amount = 1000) =>
    gateway.charge({ orderId: 'o-1', amount, currency: 'CNY', method: 'card', idempotencyKey: key });

  it('declines the configured share of charges', async () => {
    const always = new SimulatedPaymentGateway(redis, { failureRate: 1 });
    const never = new SimulatedPaymentGateway(redis, { failureRate: 0 });
    expect(await charge(always, `k-${randomSuffix()}`)).toMatchObject({ status: 'declined' });
    expect(await charge(never, `k-${randomSuffix()}`)).toMatchObject({
      status: 'succeeded',
      paymentId: expect.any(String),
    });
    const dice = [0.1, 0.9];
    const half = new SimulatedPaymentGateway(redis, { failureRate: 0.5, random: () => dice.shift()! });
    expect((await charge(half, `k-${randomSuffix()}`)).status).toBe('declined');
    expect((await charge(half, `k-${randomSuffix()}`)).status).toBe('succeeded');
  });

  it('answers a repeated idempotency key with the first answer, also concurrently', async () => {
    const gateway = new SimulatedPaymentGateway(redis, { failureRate: 0 });
    const key = `k-${randomSuffix()}`;
    const results = await Promise.all(Array.from({ length: 5 }, () => charge(gateway, key)));
    expect(new Set(results.map((r) => (r.status === 'succeeded' ? r.paymentId : r.reason))).size).toBe(1);
  });

  it('refunds at most what was captured, each refund id once', async () => {
    const gateway = new SimulatedPaymentGateway(redis, { failureRate: 0 });
    const result = await charge(gateway, `k-${randomSuffix()}`, 1000);
    if (result.status !== 'succeeded') throw new Error('expected a captured payment');
    const refund = (refundId: string, amount: number) =>
      gateway.refund({ paymentId: result.paymentId, refundId, amount, currency: 'CNY' });
    await expect(refund('r-1', 600)).resolves.toEqual({ refundId: 'r-1' });
    await expect(refund('r-1', 600)).resolves.toEqual({ refundId: 'r-1' }); // same refund, not a second one
    await expect(refund('r-2', 500)).rejects.toBeInstanceOf(PaymentGatewayError);
    await expect(refund('r-3', 400)).resolves.toEqual({ refundId: 'r-3' });
    expect(await gateway.payment(result.paymentId)).toMatchObject({ amount: 1000, refunded: 1000 });
    await expect(
      gateway.refund({ paymentId: 'nope', refundId: 'r-4', amount: 1, currency: 'CNY' }),
    ).rejects.toThrow(/unknown payment/);
  });

  it('reports an unreachable store as unavailable (503), a refusal as a gateway error (502)', async () => {
    // Never connected and no offline queue: every command fails at once, as when Redis is down.
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false });
    try {
      const gateway = new SimulatedPaymentGateway(down, { failureRate: 0 });
      await expect(charge(gateway, `k-${randomSuffix()}`)).rejects.toBeInstanceOf(
        PaymentGatewayUnavailableError,
      );
      await expect(
        gateway.refund({ paymentId: 'p-1', refundId: 'r-1', amount: 1, currency: 'CNY' }),
      ).rejects.toBeInstanceOf(PaymentGatewayUnavailableError);
    } finally {
      down.disconnect();
    }
    const up = new SimulatedPaymentGateway(redis, { failureRate: 0 });
    await expect(
      up.refund({
        paymentId: `unknown-${randomSuffix()}`,
        refundId: `r-${randomSuffix()}`,
        amount: 1,
        currency: 'CNY',
      }),
    ).rejects.toBeInstanceOf(PaymentGatewayError);
  });
});
