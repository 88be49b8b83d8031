import { Topics } from '@ecom/contracts';
import type { KafkaMessageBus } from '@ecom/messaging';
import {
  createTestTopics,
  deleteTestTopics,
  EventFactory,
  startTestService,
  testMessageBus,
  TestService,
  uniqueTopicPrefix,
  waitUntil,
} from '@ecom/testing';
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { register } from 'prom-client';
import { ServiceDescriptor } from '../config/service-descriptor';
import { EventSourcingRuntime } from '../event-sourcing/event-sourcing.runtime';
import { HealthController } from './health.controller';
import { PlatformModule } from '../platform.module';

const descriptor: ServiceDescriptor = {
  name: 'catchup',
  database: 'ecom_catchup',
  envPrefix: 'CATCHUP',
  httpPort: 0,
};

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** The handlers hold their first batch until the test opens their gate: a backlog being applied. */
const gates = { gated: gate(), plain: gate() };

@Injectable()
class BacklogConsumers implements OnModuleInit {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  onModuleInit(): void {
    for (const name of ['gated', 'plain'] as const) {
      const registration = {
        name: `catchup.${name}`,
        topics: [Topics.catalog],
        handles: ['SkuAdded' as const],
        handleEvents: async () => {
          await gates[name].promise;
        },
        // A projector's consumer: the service is not ready before it caught up.
        readyWhenCaughtUp: name === 'gated',
      };
      this.runtime.consume(registration);
    }
  }
}

@Module({ imports: [PlatformModule.forService(descriptor)], providers: [BacklogConsumers] })
class CatchUpTestModule {}

interface ConsumerDetail {
  name: string;
  state: string;
  lag: number | null;
  caughtUpSinceStart: boolean;
}

/**
 * A consumer restarted with a backlog does not know its lag until a fetch has answered: it reports
 * `catching-up` with lag null (never a made-up 0) until it reached the ends of its partitions. A
 * consumer that gates readiness (the projector's) keeps /health/ready at 503 until then; the others
 * only say so in the details and on /metrics.
 */
describe('readiness and lag of consumers restarted with a backlog', () => {
  let prefix: string;
  let bus: KafkaMessageBus;
  let service: TestService;

  const ready = () => service.http('/health/ready');
  const consumer = (body: { details?: Record<string, { consumers?: ConsumerDetail[] }> }, name: string) =>
    body.details!.kafka.consumers!.find((c) => c.name === `catchup.${name}`)!;

  beforeAll(async () => {
    prefix = uniqueTopicPrefix('catchup');
    await createTestTopics(prefix);
    bus = testMessageBus(prefix, 'catalog-simulator');
    const events = new EventFactory();
    // The backlog is on the topic before the service (re)starts.
    await bus.publish(
      Array.from({ length: 30 }, (_, i) => {
        const envelope = events.make(
          'SkuAdded',
          { productId: `p-${i}`, sku: `SKU-${i}`, price: 100, cost: null, currency: 'CNY', attributes: {} },
          new Date(),
          { aggregateId: `p-${i}` },
        );
        return { topic: Topics.catalog, key: envelope.aggregateId, value: JSON.stringify(envelope) };
      }),
    );
    service = await startTestService(CatchUpTestModule, descriptor, { topicPrefix: prefix });
  }, 120_000);

  afterAll(async () => {
    gates.gated.open();
    gates.plain.open();
    await service?.close();
    await bus?.close();
    await deleteTestTopics(prefix);
  }, 60_000);

  it('is not ready and claims no lag 0 while the gated consumer applies its backlog; ready once it caught up', async () => {
    const before = await ready();
    expect(before.status).toBe(503);
    expect(before.body.error.consumers).toMatchObject({ status: 'down', message: 'catching up' });
    for (const name of ['gated', 'plain']) {
      const detail = consumer(before.body, name);
      expect(detail).toMatchObject({ state: 'catching-up', caughtUpSinceStart: false });
      expect(detail.lag).not.toBe(0);
    }
    // Still not ready a few fetch intervals later: the batch is applied, not finished, and its
    // messages count as lag (measured by the fetch, never 0 while they wait).
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const held = await ready();
    expect(held.status).toBe(503);
    for (const name of ['gated', 'plain']) {
      expect(consumer(held.body, name)).toMatchObject({ state: 'catching-up', caughtUpSinceStart: false });
      expect(consumer(held.body, name).lag).toBeGreaterThan(0);
    }

    gates.gated.open();
    const after = await waitUntil(
      async () => {
        const response = await ready();
        return response.status === 200 ? response : undefined;
      },
      { timeoutMs: 30_000, message: 'ready once the gated consumer applied its backlog' },
    );
    expect(consumer(after.body, 'gated')).toMatchObject({
      state: 'caught-up',
      lag: 0,
      caughtUpSinceStart: true,
    });
    // The other consumer does not hold readiness, but says that it is catching up.
    expect(consumer(after.body, 'plain')).toMatchObject({ state: 'catching-up', caughtUpSinceStart: false });
    expect(after.body.details.consumers.catchingUp).toEqual(['catchup.plain']);
    const metric = await register.getSingleMetric('kafka_consumer_caught_up')!.get();
    const caughtUp = Object.fromEntries(metric.values.map((v) => [v.labels.consumer, v.value]));
    expect(caughtUp).toMatchObject({ 'catchup.gated': 1, 'catchup.plain': 0 });

    gates.plain.open();
    const all = await waitUntil(
      async () => {
        const body = (await ready()).body;
        return consumer(body, 'plain').state === 'caught-up' ? body : undefined;
      },
      { timeoutMs: 30_000, message: 'the other consumer caught up' },
    );
    expect(consumer(all, 'plain')).toMatchObject({ lag: 0, caughtUpSinceStart: true });
    expect(all.details.consumers.catchingUp).toEqual([]);
  }, 90_000);

  it('reads the consumers after the dependency probes answered, so a slow probe reports no stale consumers', async () => {
    const controller = service.app.get(HealthController);
    const runtime = service.app.get(EventSourcingRuntime);
    const probe = (controller as unknown as { redisProbe: { current(): Promise<unknown> } }).redisProbe;
    const answered = gate();
    const order: string[] = [];
    const current = probe.current.bind(probe);
    const statuses = runtime.consumerStatuses.bind(runtime);
    const slowProbe = jest.spyOn(probe, 'current').mockImplementation(async () => {
      await answered.promise;
      order.push('probe answered');
      return current();
    });
    const snapshot = jest.spyOn(runtime, 'consumerStatuses').mockImplementation(() => {
      order.push('consumers read');
      return statuses();
    });
    try {
      const answer = controller.ready();
      await new Promise((resolve) => setTimeout(resolve, 100));
      answered.open();
      await answer;
      expect(order).toEqual(['probe answered', 'consumers read']);
    } finally {
      slowProbe.mockRestore();
      snapshot.mockRestore();
    }
  });
});
