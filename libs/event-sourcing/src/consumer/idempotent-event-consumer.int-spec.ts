import { PostgresEventStore } from '../event-store/postgres-event-store';
import { CommandSessions } from '../command/command-session';
import { dlqTopicOf, EventEnvelope, Topics } from '@ecom/contracts';
import { KafkaMessageBus } from '@ecom/messaging';
import {
  createTestDatabase,
  createTestDataSource,
  createTestTopics,
  deleteTestTopics,
  TestDatabase,
  testMessageBus,
  TopicProbe,
  uniqueTopicPrefix,
  waitUntil,
} from '@ecom/testing';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { EVENT_SOURCING_MIGRATIONS } from '../migrations/1763780000000-create-event-store';
import { tallyRegistry } from '../test/tally.fixture';
import { applyTallyEvent, createTallyReadModel, readTallyTotals } from '../test/tally-read-model';
import { IdempotentEventConsumer } from './idempotent-event-consumer';

const topic = Topics.catalog;
let sequence = 0;

function tallyEvent(tallyId: string, by: number, overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    id: uuidv7(),
    type: 'TallyIncreased',
    version: 1,
    source: 'test',
    aggregateType: 'Tally',
    aggregateId: tallyId,
    sequence: ++sequence,
    occurredAt: new Date().toISOString(),
    correlationId: 'corr',
    causationId: null,
    data: { tallyId, by },
    ...overrides,
  };
}

describe('IdempotentEventConsumer (PostgreSQL + Kafka)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let bus: KafkaMessageBus;
  let prefix: string;
  let consumer: IdempotentEventConsumer;

  const newConsumer = () =>
    new IdempotentEventConsumer({
      name: 'tally-projection',
      topics: [topic],
      handles: ['TallyIncreased'],
      dataSource,
      sessions: new CommandSessions(
        dataSource,
        new PostgresEventStore({ source: 'test', registry: tallyRegistry() }),
      ),
      subscriber: bus,
      publisher: bus,
      registry: tallyRegistry(),
      handle: applyTallyEvent,
    });

  const send = (events: Array<EventEnvelope | string>) =>
    bus.publish(
      events.map((e) => ({
        topic,
        key: typeof e === 'string' ? 'raw' : e.aggregateId,
        value: typeof e === 'string' ? e : JSON.stringify(e),
      })),
    );

  const totalOf = async (tallyId: string) =>
    (await readTallyTotals(dataSource)).find((r) => r.tally_id === tallyId);

  beforeAll(async () => {
    prefix = uniqueTopicPrefix('consumer');
    await createTestTopics(prefix);
    db = await createTestDatabase('consumer');
    dataSource = await createTestDataSource(db.url, EVENT_SOURCING_MIGRATIONS);
    await createTallyReadModel(dataSource);
    bus = testMessageBus(prefix, 'consumer-test');
    consumer = newConsumer();
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await bus?.close();
    await dataSource?.destroy();
    await db?.drop();
    await deleteTestTopics(prefix);
  });

  it('applies an event delivered twice only once', async () => {
    const event = tallyEvent('twice', 4);
    await send([event]);
    await send([event]);
    const marker = tallyEvent('twice-marker', 1);
    await send([marker]);
    // Same key as "twice" would share its partition; the marker proves the consumer moved past both copies.
    await waitUntil(() => totalOf('twice-marker'), { message: 'marker applied' });
    await waitUntil(async () => (await totalOf('twice'))?.applied === 1, { message: 'event applied' });
    const again = tallyEvent('twice', 1, { id: event.id, data: { tallyId: 'twice', by: 4 } });
    await send([again]);
    const after = tallyEvent('twice', 2);
    await send([after]);
    await waitUntil(async () => (await totalOf('twice'))?.applied === 2, {
      message: 'second distinct event',
    });
    expect(await totalOf('twice')).toEqual({ tally_id: 'twice', total: 6, applied: 2 });
  });

  it('sends a poison message to the DLQ with the error and the original bytes, and goes on', async () => {
    const dlq = await TopicProbe.start(prefix, [dlqTopicOf(topic)]);
    try {
      const unknownVersion = tallyEvent('poison', 1, { version: 9 });
      const invalidData = tallyEvent('poison', 1, { data: { tallyId: 'poison', by: -1 } });
      await send([
        '{not json',
        JSON.stringify(unknownVersion),
        JSON.stringify(invalidData),
        JSON.stringify(tallyEvent('poison', 7)),
      ]);
      await waitUntil(() => totalOf('poison'), { message: 'the good message after the poison ones' });
      expect(await totalOf('poison')).toEqual({ tally_id: 'poison', total: 7, applied: 1 });
      await waitUntil(() => dlq.messages.length >= 3, { message: 'three messages in the DLQ' });
      const byBody = new Map(dlq.messages.map((m) => [m.value!.toString(), m.headers]));
      expect(byBody.get('{not json')).toMatchObject({
        'dlq-original-topic': topic,
        'dlq-consumer': 'tally-projection',
      });
      expect(byBody.get('{not json')!['dlq-error']).toMatch(/not JSON/);
      expect(byBody.get(JSON.stringify(unknownVersion))!['dlq-error']).toMatch(
        /unknown event type TallyIncreased version 9/,
      );
      expect(byBody.get(JSON.stringify(invalidData))!['dlq-error']).toMatch(/data\/by must be >= 1/);
    } finally {
      await dlq.stop();
    }
  });

  it('leaves the read model unchanged after a full replay from offset 0', async () => {
    await send([tallyEvent('replay', 2), tallyEvent('replay', 3)]);
    await waitUntil(async () => (await totalOf('replay'))?.applied === 2, { message: 'events applied' });
    const before = await readTallyTotals(dataSource);

    await consumer.stop();
    const admin = bus.kafka.admin();
    await admin.connect();
    await admin.resetOffsets({
      groupId: `${prefix}tally-projection`,
      topic: `${prefix}${topic}`,
      earliest: true,
    });
    await admin.disconnect();

    const replayed: string[] = [];
    const redelivered: string[] = [];
    consumer = new IdempotentEventConsumer({
      name: 'tally-projection',
      topics: [topic],
      handles: ['TallyIncreased'],
      dataSource,
      sessions: new CommandSessions(
        dataSource,
        new PostgresEventStore({ source: 'test', registry: tallyRegistry() }),
      ),
      // Sees every message the replay delivers, to prove it really started from offset 0.
      subscriber: {
        subscribe: (options) =>
          bus.subscribe({
            ...options,
            handleBatch: async (batch) => {
              redelivered.push(...batch.messages.map((m) => m.value?.toString() ?? ''));
              return options.handleBatch(batch);
            },
          }),
      },
      publisher: { publish: async () => undefined }, // the poison messages were already dead-lettered
      registry: tallyRegistry(),
      handle: async (event, session) => {
        replayed.push(event.id);
        await applyTallyEvent(event, session);
      },
    });
    const marker = tallyEvent('replay-marker', 1);
    await send([marker]);
    await consumer.start();
    await waitUntil(() => totalOf('replay-marker'), { message: 'replay reached the new marker' });
    await waitUntil(() => consumer.status().lag === 0, { message: 'replay caught up' });
    const after = (await readTallyTotals(dataSource)).filter((r) => r.tally_id !== 'replay-marker');
    expect(after).toEqual(before);
    expect(replayed).toEqual([marker.id]);
    // Everything sent in this file came round again: 3 + 1 + 1 (first test) + 4 (poison test) + 2 + marker.
    expect(redelivered.length).toBeGreaterThanOrEqual(12);
    expect(redelivered.some((v) => v === '{not json')).toBe(true);
  });
});
