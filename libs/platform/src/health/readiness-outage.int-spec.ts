import { Topics } from '@ecom/contracts';
import { KafkaMessageBus } from '@ecom/messaging';
import {
  createTestDatabase,
  EventFactory,
  LocalKafkaBroker,
  randomSuffix,
  RunningService,
  startServiceProcess,
  startTestService,
  TcpProxy,
  testInfrastructure,
  TestDatabase,
  TestService,
  uniqueTopicPrefix,
  waitUntil,
} from '@ecom/testing';
import { Module } from '@nestjs/common';
import { ServiceDescriptor } from '../config/service-descriptor';
import { PlatformModule } from '../platform.module';

const descriptor: ServiceDescriptor = {
  name: 'outage',
  database: 'ecom_outage',
  envPrefix: 'OUTAGE',
  httpPort: 0,
};

@Module({ imports: [PlatformModule.forService(descriptor)] })
class OutageTestModule {}

/** A sample's value in a Prometheus text exposition, e.g. metric(text, 'dependency_up', { dependency: 'kafka' }). */
function metric(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const matches = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const ADDRESS = {
  name: 'Li Lei',
  phone: '+86 138 0000 0000',
  line1: '1 West Lake Road',
  city: 'Hangzhou',
  postalCode: '310000',
  country: 'CN',
};

/**
 * Readiness says whether a pod can serve: 503 while its database is gone, 200 once it is back. Kafka
 * and Redis, shared by every pod, only make it `degraded` (health detail and dependency_up): the
 * orders service keeps accepting orders while Kafka is stopped, keeps their events in its outbox and
 * publishes them once Kafka is back. The broker is the test's own (stopped and started for real);
 * PostgreSQL and Redis are cut with TCP proxies so the servers other suites use keep running.
 */
describe('readiness when a dependency stops', () => {
  let broker: LocalKafkaBroker;
  let databaseProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let database: TestDatabase;
  let service: TestService;
  let orders: RunningService;

  const ready = async () => service.http('/health/ready');
  const metrics = async (of: RunningService) => (await of.http('/metrics')).body as string;

  beforeAll(async () => {
    broker = await LocalKafkaBroker.create();
    await broker.start();
    database = await createTestDatabase('outage');
    const url = new URL(database.url);
    databaseProxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    url.port = String(await databaseProxy.start());
    const redis = new URL(testInfrastructure().redisUrl);
    redisProxy = new TcpProxy(redis.hostname, Number(redis.port || 6379));
    await redisProxy.start();
    service = await startTestService(OutageTestModule, descriptor, {
      database,
      env: {
        OUTAGE_DATABASE_URL: url.toString(),
        REDIS_URL: `redis://127.0.0.1:${redisProxy.port}${redis.pathname}`,
        KAFKA_BROKERS: broker.brokers,
      },
    });
    // Its topics are created on the test's broker by the service itself, under a prefix of its own.
    orders = await startServiceProcess('orders', {
      topicPrefix: uniqueTopicPrefix('ready-orders'),
      env: { KAFKA_BROKERS: broker.brokers },
      readyTimeoutMs: 90_000,
    });
  }, 240_000);

  afterAll(async () => {
    await orders?.close();
    await service?.close();
    await databaseProxy?.stop();
    await redisProxy?.stop();
    await broker?.destroy();
    await database?.drop();
  }, 120_000);

  it('is ready with everything up, and says so on /metrics', async () => {
    const response = await ready();
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.details).toMatchObject({
      database: { status: 'up' },
      kafka: { status: 'up', brokers: 1, consumers: [] },
      redis: { status: 'up' },
    });
    const text = await metrics(service);
    for (const dependency of ['database', 'kafka', 'redis']) {
      expect(metric(text, 'dependency_up', { service: 'outage', dependency })).toBe(1);
    }
  });

  it('answers a burst of probes from one check per dependency', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => ready()));
    const checkedAt = new Set(answers.map((a) => a.body.details.kafka.checkedAt));
    // At most the cached answer and one fresh check if the burst straddled its expiry.
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(checkedAt.size).toBeLessThanOrEqual(2);
  });

  it('reports PostgreSQL down with 503 and recovers when it returns', async () => {
    await databaseProxy.stop();
    const down = await waitUntil(
      async () => {
        const r = await ready();
        return r.status === 503 ? r : undefined;
      },
      { timeoutMs: 20_000, message: '503 while PostgreSQL is unreachable' },
    );
    expect(down.body.error.database.status).toBe('down');
    expect(down.body.details.kafka.status).toBe('up');
    expect(metric(await metrics(service), 'dependency_up', { dependency: 'database' })).toBe(0);

    await databaseProxy.start();
    await waitUntil(async () => (await ready()).status === 200, {
      timeoutMs: 30_000,
      message: '200 after PostgreSQL returned',
    });
  }, 90_000);

  it('stays ready while Redis is unreachable, with Redis degraded in the details and on /metrics', async () => {
    await redisProxy.stop();
    try {
      const degraded = await waitUntil(
        async () => {
          const r = await ready();
          expect(r.status).toBe(200);
          return r.body.details.redis.status === 'degraded' ? r : undefined;
        },
        { timeoutMs: 20_000, message: 'Redis degraded in the readiness details' },
      );
      expect(degraded.body.status).toBe('ok');
      expect(degraded.body.error).toEqual({});
      expect(degraded.body.info.redis).toMatchObject({
        status: 'degraded',
        message: expect.any(String),
        impact: expect.stringContaining('503'),
      });
      expect(metric(await metrics(service), 'dependency_up', { dependency: 'redis' })).toBe(0);
    } finally {
      await redisProxy.start();
    }
    await waitUntil(async () => (await ready()).body.details.redis.status === 'up', {
      timeoutMs: 30_000,
      message: 'Redis up again in the details',
    });
  }, 90_000);

  it('stays ready while Kafka is stopped: orders are accepted with 202, kept in the outbox and published once Kafka is back', async () => {
    const events = new EventFactory();
    const productId = `p-${randomSuffix()}`;
    const sku = `READY-${randomSuffix()}`;
    const catalog = new KafkaMessageBus({
      brokers: [broker.brokers],
      clientId: 'catalog-simulator',
      topicPrefix: orders.topicPrefix,
    });
    const token = await orders.tokens.bearer(`m-${randomSuffix()}`);
    const place = () =>
      orders.http('/v1/orders', { token, body: { items: [{ sku, quantity: 1 }], shippingAddress: ADDRESS } });
    try {
      await catalog.publish(
        [
          events.make('SkuAdded', {
            productId,
            sku,
            price: 1990,
            cost: null,
            currency: 'CNY',
            attributes: {},
          }),
          events.make('ProductPublished', { productId, categoryId: 'cat-1', skus: [sku] }),
        ].map((e) => ({ topic: Topics.catalog, key: productId, value: JSON.stringify(e) })),
      );
    } finally {
      await catalog.close();
    }
    // Orders knows the price once an order is accepted (before the outage).
    await waitUntil(async () => (await place()).status === 202, {
      timeoutMs: 30_000,
      message: 'orders to learn the price from catalog.events',
    });

    await broker.stop();
    const readyAnswers: number[] = [];
    const watchReady = async () => {
      for (const running of [service, orders])
        readyAnswers.push((await running.http('/health/ready')).status);
    };
    const degraded = await waitUntil(
      async () => {
        await watchReady();
        const r = await orders.http('/health/ready');
        return r.body.details?.kafka?.status === 'degraded' ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, message: 'Kafka degraded in the readiness details' },
    );
    expect(degraded.status).toBe(200);
    expect(degraded.body.info.kafka).toMatchObject({
      status: 'degraded',
      impact: expect.stringContaining('outbox'),
    });
    expect(metric(await metrics(orders), 'dependency_up', { dependency: 'kafka' })).toBe(0);

    const placed = await place();
    expect(placed.status).toBe(202);
    const read = await orders.http(`/v1/orders/${placed.body.id}`, { token });
    expect(read.status).toBe(200);
    await waitUntil(
      async () => (metric(await metrics(orders), 'outbox_backlog_events', { service: 'orders' }) ?? 0) >= 1,
      { message: 'the order waiting in the outbox', intervalMs: 500 },
    );
    await watchReady();
    expect(readyAnswers.every((status) => status === 200)).toBe(true);

    await broker.start();
    const probe = new KafkaMessageBus({
      brokers: [broker.brokers],
      clientId: 'topic-probe',
      topicPrefix: orders.topicPrefix,
    });
    const published = new Set<string>();
    const subscription = await probe.subscribe({
      groupId: `probe-${randomSuffix()}`,
      topics: [Topics.orders],
      fromBeginning: true,
      handleBatch: async (batch) => {
        for (const message of batch.messages) {
          const event = JSON.parse(message.value!.toString('utf8'));
          if (event.type === 'OrderPlaced') published.add(event.aggregateId);
        }
        batch.markProcessed(batch.messages[batch.messages.length - 1].offset);
      },
    });
    try {
      await waitUntil(() => published.has(placed.body.id), {
        timeoutMs: 60_000,
        message: 'the OrderPlaced accepted during the outage on orders.events',
      });
    } finally {
      await subscription.stop();
      await probe.close();
    }
    await waitUntil(async () => (await orders.http('/health/ready')).body.details?.kafka?.status === 'up', {
      timeoutMs: 30_000,
      message: 'Kafka up again in the details',
    });
    expect(metric(await metrics(orders), 'outbox_backlog_events', { service: 'orders' })).toBe(0);
  }, 240_000);
});
