import { Topics } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import { grpcTestClient, startTestService, TestService, TopicProbe } from '@ecom/testing';
import * as grpc from '@grpc/grpc-js';
import { AppModule } from '../../app.module';
import { ADDRESS, FakeUpstream, uniqueSku, waitForPrices } from '../../test/orders-test-kit';

/** POST /v1/orders and orders.v1 PlaceOrder carry the storefront's A/B assignment to OrderPlaced. */
describe('placing an order with experiments', () => {
  let service: TestService;
  let upstream: FakeUpstream;
  let probe: TopicProbe;
  let alice: string;
  const TEE = uniqueSku('tee');

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.orders);
    upstream = FakeUpstream.create(service.topicPrefix);
    probe = await TopicProbe.start(service.topicPrefix, [Topics.orders]);
    alice = await service.tokens.bearer('member-alice');
    await upstream.listProduct({ [TEE]: 1999 });
    await waitForPrices(service, [TEE]);
  });
  afterAll(async () => {
    await probe?.stop();
    await upstream?.close();
    await service?.close();
  });

  const placedEvent = async (orderId: string) => {
    const events = await probe.waitForEvents(
      (all) => all.some((e) => e.type === 'OrderPlaced' && e.aggregateId === orderId),
      { message: `OrderPlaced of ${orderId}` },
    );
    return events.find((e) => e.type === 'OrderPlaced' && e.aggregateId === orderId)!;
  };
  const place = (extra: Record<string, unknown>) =>
    service.http('/v1/orders', {
      token: alice,
      body: { items: [{ sku: TEE, quantity: 1 }], shippingAddress: ADDRESS, visitorId: 'v-ab-1', ...extra },
    });

  it('publishes the assignment on OrderPlaced', async () => {
    const res = await place({ experiments: { checkout_v2: 'B', 'hero.banner': 'control' } });
    expect(res.status).toBe(202);
    const event = await placedEvent(res.body.id);
    expect(event.data).toMatchObject({
      visitorId: 'v-ab-1',
      experiments: { checkout_v2: 'B', 'hero.banner': 'control' },
    });
  });

  it('publishes no field without an assignment', async () => {
    const res = await place({});
    expect(res.status).toBe(202);
    const event = await placedEvent(res.body.id);
    expect(Object.keys(event.data as object)).not.toContain('experiments');
  });

  it.each([
    ['nine experiments', Object.fromEntries([...Array(9).keys()].map((i) => [`e${i}`, 'A'])), /at most 8/],
    ['a key with a space', { 'bad key': 'A' }, /experiments key \\"bad key\\" must be 1-64 characters/],
    ['a variant with a slash', { ok: 'a/b' }, /experiments\.ok must be a variant/],
    ['a variant over 64 characters', { ok: 'v'.repeat(65) }, /experiments\.ok must be a variant/],
    ['a number as variant', { ok: 1 }, /experiments\.ok must be a variant/],
    ['a list', ['A'], /experiments must be an object/],
  ])('refuses %s with 400 naming the field', async (_, experiments, message) => {
    const res = await place({ experiments });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
  });

  it('takes the assignment over gRPC too (an empty map is none)', async () => {
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
    const call = <T>(request: unknown) =>
      new Promise<T>((resolve, reject) => {
        const metadata = new grpc.Metadata();
        metadata.set('authorization', alice);
        client.PlaceOrder(request, metadata, (error, response) =>
          error ? reject(error) : resolve(response as T),
        );
      });
    const request = { items: [{ sku: TEE, quantity: 1 }], shippingAddress: ADDRESS, channel: 'app' };
    try {
      const placed = await call<{ id: string }>({ ...request, experiments: { checkout_v2: 'control' } });
      expect((await placedEvent(placed.id)).data).toMatchObject({ experiments: { checkout_v2: 'control' } });
      const none = await call<{ id: string }>({ ...request, experiments: {} });
      expect(Object.keys((await placedEvent(none.id)).data as object)).not.toContain('experiments');
      await expect(call({ ...request, experiments: { 'bad key': 'A' } })).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: expect.stringMatching(/experiments key "bad key"/),
      });
    } finally {
      client.close();
    }
  });
});
