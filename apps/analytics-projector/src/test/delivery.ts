import { truncateReadModels } from '@ecom/analytics-read-models';
import { EventEnvelope, EventSchemaRegistry } from '@ecom/contracts';
import { forgetProcessedEvents, IdempotentEventConsumer } from '@ecom/event-sourcing';
import type { IncomingBatch, KafkaMessageBus } from '@ecom/messaging';
import { EventSourcingRuntime } from '@ecom/platform';
import { deleteTestTopics, TestDatabase, testMessageBus, TestService } from '@ecom/testing';
import { NestFactory } from '@nestjs/core';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import {
  AnalyticsProjection,
  PROJECTED_EVENT_TYPES,
  PROJECTED_TOPICS,
  ProjectedEvent,
} from '../projection/analytics-projection';
import { RebuildOptions, RebuildResult, rebuildReadModels } from '../rebuild/rebuild-read-models';
import { RebuildModule } from '../rebuild/rebuild.module';
import { publishEvents, topicOf } from './event-factory';
import { DETERMINISTIC_ENV, freshTopics, startProjector } from './harness';

type Executor = Pick<DataSource, 'query'>;

/**
 * The projector's handler fed by hand: an IdempotentEventConsumer over the service's projection,
 * never subscribed, given batches as Kafka would hand them. Lets a spec choose the delivery order,
 * the batch cuts and the redeliveries that a real broker would only produce by chance.
 */
export class DirectProjection {
  readonly consumer: IdempotentEventConsumer<ProjectedEvent>;
  readonly dataSource: DataSource;
  readonly service: TestService;
  // Offsets only need to grow: nothing commits them (markProcessed is a no-op here).
  private offset = 0;

  private readonly bus: KafkaMessageBus;

  private constructor(service: TestService, label: string, publishAlerts: boolean) {
    const bus = testMessageBus(service.topicPrefix, label);
    this.bus = bus;
    this.service = service;
    this.dataSource = service.app.get(DataSource);
    const projection = service.app.get(AnalyticsProjection);
    this.consumer = new IdempotentEventConsumer<ProjectedEvent>({
      name: `analytics-projector.${label}`,
      topics: [...PROJECTED_TOPICS],
      handles: PROJECTED_EVENT_TYPES,
      dataSource: this.dataSource,
      sessions: service.app.get(EventSourcingRuntime).commands,
      // Never subscribed: the bus would only dead-letter.
      subscriber: bus,
      publisher: bus,
      registry: service.app.get(EventSchemaRegistry),
      handleEvents: (events, session) => projection.applyBatch(events, session, { publishAlerts }),
    });
  }

  /** `label` names the consumer (analytics-projector.<label>) and the bus client. */
  static open(service: TestService, label: string, options: { publishAlerts?: boolean } = {}) {
    return new DirectProjection(service, label, options.publishAlerts ?? false);
  }

  /**
   * Empties every read model and forgets the events this consumer processed, so that what follows
   * starts from nothing, as a rebuild does; `prepare` runs in the same transaction afterwards.
   */
  async reset(prepare?: (tx: Executor) => Promise<void>): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await truncateReadModels(tx);
      await forgetProcessedEvents(tx, { names: [this.consumer.name] });
      if (prepare) await prepare(tx);
    });
  }

  /** Forgets the processed events only, so the handlers really apply a redelivery a second time. */
  forget(): Promise<void> {
    return forgetProcessedEvents(this.dataSource, { names: [this.consumer.name] });
  }

  /** One batch of these events. */
  async deliver(slice: readonly EventEnvelope[]): Promise<void> {
    const batch: IncomingBatch = {
      topic: topicOf(slice[0]),
      partition: 0,
      messages: slice.map((e) => ({
        topic: topicOf(e),
        partition: 0,
        offset: String(this.offset++),
        key: e.aggregateId,
        value: Buffer.from(JSON.stringify(e)),
        headers: {},
        timestamp: Date.now(),
      })),
      lagAfterBatch: () => 0,
      markProcessed: () => undefined,
      heartbeat: async () => undefined,
      isRunning: () => true,
    };
    await this.consumer.handleBatch(batch);
  }

  /** The events in order, in batches of the sizes in `cuts` (cycled; a size below 1 counts as 1). */
  async deliverInBatches(sequence: readonly EventEnvelope[], cuts: readonly number[]): Promise<void> {
    let start = 0;
    let cut = 0;
    while (start < sequence.length) {
      const size = Math.max(1, cuts[cut++ % cuts.length]);
      await this.deliver(sequence.slice(start, start + size));
      start += size;
    }
  }

  /**
   * A projector of its own on fresh topics (`label`), fed by hand through a consumer named
   * analytics-projector.<label>-test; stop() ends both and deletes the topics.
   */
  static async start(label: string, options: { publishAlerts?: boolean } = {}): Promise<DirectProjection> {
    const service = await startProjector({ topicPrefix: await freshTopics(label) });
    return DirectProjection.open(service, `${label}-test`, options);
  }

  async stop(): Promise<void> {
    await this.close();
    await this.service.close();
    await deleteTestTopics(this.service.topicPrefix);
  }

  /** reset, then deliverInBatches. */
  async replay(sequence: readonly EventEnvelope[], cuts: readonly number[]): Promise<void> {
    await this.reset();
    await this.deliverInBatches(sequence, cuts);
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}

/** A delivery to try: the order (a permutation of the events' indexes), redeliveries and batch cuts. */
export interface Delivery {
  /** Indexes of the events in the order to deliver them. */
  permutation: number[];
  /** Indexes into the delivered sequence of events that come again at the end. */
  redelivered: number[];
  /** Batch sizes, cycled. */
  cuts: number[];
}

/**
 * Random deliveries of `n` events (fast-check): any permutation, up to `redeliveries` events again
 * and 1 to `maxCuts` batch sizes from 1 to `maxCut`. Turn the permutation into a Kafka-legal order
 * with keepingTopicOrder or keepingStreamOrder where the figure depends on a stream's order.
 */
export function deliveries(
  n: number,
  limits: { redeliveries: number; maxCut: number; maxCuts: number },
): fc.Arbitrary<Delivery> {
  return fc
    .tuple(
      fc.array(fc.nat(), { minLength: n, maxLength: n }),
      fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: limits.redeliveries }),
      fc.array(fc.integer({ min: 1, max: limits.maxCut }), { minLength: 1, maxLength: limits.maxCuts }),
    )
    .map(([keys, redelivered, cuts]) => ({
      // Indexes sorted by their random keys (ties by index): a permutation that shrinks well.
      permutation: [...keys.keys()].sort((a, b) => keys[a] - keys[b] || a - b),
      redelivered,
      cuts,
    }));
}

/**
 * Asserts `check` for random deliveries (see deliveries) with fast-check's `parameters` (runs, seed):
 * a failure is shrunk to a small order, few redeliveries and simple cuts.
 */
export function forEveryDelivery(
  n: number,
  limits: { redeliveries: number; maxCut: number; maxCuts: number },
  parameters: fc.Parameters<[Delivery]>,
  check: (delivery: Delivery) => Promise<void>,
): Promise<void> {
  return fc.assert(fc.asyncProperty(deliveries(n, limits), check), parameters);
}

/** The events in the permutation's order. */
export function permuted<T>(events: readonly T[], permutation: readonly number[]): T[] {
  return permutation.map((i) => events[i]);
}

/** The sequence followed by the redelivered ones of it again (a producer retry, a rebalance). */
export function withRedeliveries<T>(sequence: readonly T[], redelivered: readonly number[]): T[] {
  return [...sequence, ...redelivered.map((i) => sequence[i])];
}

/**
 * Applies the permutation to every event, then puts the events of `topic` back in their own order:
 * any interleaving across topics, one topic's order kept (inventory's, which the tests treat as one
 * partition per SKU in order).
 */
export function keepingTopicOrder(
  events: readonly EventEnvelope[],
  permutation: readonly number[],
  topic: string,
): EventEnvelope[] {
  const ordered = events.filter((e) => topicOf(e) === topic);
  let next = 0;
  return permuted(events, permutation).map((e) => (topicOf(e) === topic ? ordered[next++] : e));
}

/** Each stream (an aggregate: a SKU's stock, a product) keeps its order, as its partition does; streams interleave freely. */
export function keepingStreamOrder(
  events: readonly EventEnvelope[],
  permutation: readonly number[],
): EventEnvelope[] {
  const queues = new Map<string, EventEnvelope[]>();
  for (const e of events) queues.set(e.aggregateId, [...(queues.get(e.aggregateId) ?? []), e]);
  return permutation.map((i) => queues.get(events[i].aggregateId)!.shift()!);
}

/** Publishes the events on the prefix's topics through a bus of its own. */
export async function publishTo(
  prefix: string,
  events: readonly EventEnvelope[],
  client = 'test-producer',
): Promise<void> {
  const bus = testMessageBus(prefix, client);
  try {
    await publishEvents(bus, events);
  } finally {
    await bus.close();
  }
}

/**
 * Runs the rebuild command's work in this process over the database and topics (the live projector
 * must have stopped: the rebuild takes its lock exclusively). The environment is the deterministic
 * one plus `env`, put back as it was afterwards.
 */
export async function rebuildFromTopics(
  target: { database: TestDatabase; topicPrefix: string; env?: Record<string, string> },
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const saved = { ...process.env };
  Object.assign(process.env, {
    ...DETERMINISTIC_ENV,
    ...target.env,
    ANALYTICS_DATABASE_URL: target.database.url,
    KAFKA_TOPIC_PREFIX: target.topicPrefix,
    REDIS_KEY_PREFIX: target.topicPrefix,
  });
  try {
    const app = await NestFactory.createApplicationContext(RebuildModule, { logger: false });
    try {
      return await rebuildReadModels(app, options);
    } finally {
      await app.close();
    }
  } finally {
    process.env = saved;
  }
}
