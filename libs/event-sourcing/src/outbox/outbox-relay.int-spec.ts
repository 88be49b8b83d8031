import { CommandSessions } from '../command/command-session';
import { Topics } from '@ecom/contracts';
import { spawn } from 'child_process';
import { join } from 'path';
import { KafkaMessageBus } from '@ecom/messaging';
import {
  createTestDatabase,
  createTestDataSource,
  createTestTopics,
  deleteTestTopics,
  TestDatabase,
  testInfrastructure,
  testMessageBus,
  TopicProbe,
  uniqueTopicPrefix,
  waitUntil,
} from '@ecom/testing';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { IdempotentEventConsumer } from '../consumer/idempotent-event-consumer';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { EVENT_SOURCING_MIGRATIONS } from '../migrations/1763780000000-create-event-store';
import { tallyRegistry } from '../test/tally.fixture';
import { applyTallyEvent, createTallyReadModel, readTallyTotals } from '../test/tally-read-model';
import { CommitNotifications } from '../notifications/commit-notifications';
import { OUTBOX_CHANNEL, OutboxRelay } from './outbox-relay';
import { WakeRelayOnCommit } from './wake-relay-on-commit';

/** A relay process that is SIGKILLed after Kafka acknowledged its batch, before it could commit. */
function runRelayKilledAfterPublish(
  databaseUrl: string,
  topicPrefix: string,
): Promise<NodeJS.Signals | null> {
  const script = join(__dirname, '../test/relay-killed-after-publish.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script, databaseUrl, topicPrefix], {
      env: { ...process.env, KAFKA_BROKERS: testInfrastructure().kafkaBrokers.join(',') },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal ? resolve(signal) : reject(new Error(`relay exited with ${code}`)),
    );
  });
}

describe('OutboxRelay (PostgreSQL + Kafka)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let bus: KafkaMessageBus;
  let prefix: string;

  beforeAll(async () => {
    prefix = uniqueTopicPrefix('outbox');
    await createTestTopics(prefix);
    db = await createTestDatabase('outbox');
    dataSource = await createTestDataSource(db.url, EVENT_SOURCING_MIGRATIONS);
    await createTallyReadModel(dataSource);
    store = new PostgresEventStore({ source: 'test', registry: tallyRegistry() });
    bus = testMessageBus(prefix, 'outbox-test');
  });

  afterAll(async () => {
    await bus?.close();
    await dataSource?.destroy();
    await db?.drop();
    await deleteTestTopics(prefix);
  });

  const appendTally = (id: string, by: number) =>
    dataSource.transaction((tx) =>
      store.append(
        tx,
        [
          {
            aggregateType: 'Tally',
            aggregateId: id,
            expectedVersion: 'any',
            events: [{ type: 'TallyIncreased', data: { tallyId: id, by } }],
          },
        ],
        { correlationId: 'c-1' },
      ),
    );

  it('publishes an appended event exactly once under normal operation, keyed by aggregate id', async () => {
    const probe = await TopicProbe.start(prefix, [Topics.catalog]);
    try {
      const [event] = await appendTally('normal', 3);
      const relay = new OutboxRelay(dataSource, bus, { service: 'test' });
      expect(await relay.relayOnce()).toBe(1);
      expect(await relay.relayOnce()).toBe(0);
      await probe.waitForEvents((events) => events.some((e) => e.id === event.id));
      // Give a duplicate time to show up if there were one.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const copies = probe.messages.filter((m) => JSON.parse(m.value!.toString()).id === event.id);
      expect(copies).toHaveLength(1);
      expect(copies[0].key).toBe('normal');
      expect(copies[0].headers['event-type']).toBe('TallyIncreased');
      expect(await relay.backlog()).toBe(0);
      await relay.stop();
    } finally {
      await probe.stop();
    }
  });

  it('republishes after a crash between publish and commit, and an idempotent consumer applies it once', async () => {
    const probe = await TopicProbe.start(prefix, [Topics.catalog]);
    const consumer = new IdempotentEventConsumer({
      name: 'tally-totals',
      topics: [Topics.catalog],
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
    try {
      const [event] = await appendTally('crashy', 5);
      const killed = await runRelayKilledAfterPublish(db.url, prefix);
      expect(killed).toBe('SIGKILL');
      const [{ count }] = await dataSource.query(
        `SELECT count(*)::int AS count FROM es_outbox WHERE event_id = $1`,
        [event.id],
      );
      expect(count).toBe(1);

      const restarted = new OutboxRelay(dataSource, bus, { service: 'test' });
      restarted.start();
      await waitUntil(async () => (await restarted.backlog()) === 0, { message: 'outbox drained' });
      await restarted.stop();

      await probe.waitForEvents((events) => events.filter((e) => e.id === event.id).length === 2, {
        message: 'the event twice on the topic (published before the crash and after the restart)',
      });
      await consumer.start();
      await waitUntil(async () => (await readTallyTotals(dataSource)).find((r) => r.tally_id === 'crashy'), {
        message: 'the consumer applied the event',
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await readTallyTotals(dataSource)).find((r) => r.tally_id === 'crashy')).toEqual({
        tally_id: 'crashy',
        total: 5,
        applied: 1,
      });
    } finally {
      await consumer.stop();
      await probe.stop();
    }
  });

  it('sleeps while idle and is woken by the commit notification of an append', async () => {
    const relay = new OutboxRelay(dataSource, bus, { service: 'test', idleCheckMs: 60_000 });
    const notifications = new CommitNotifications({ connectionString: db.url });
    const probe = await TopicProbe.start(prefix, [Topics.catalog]);
    try {
      await notifications.listen(OUTBOX_CHANNEL, () => relay.nudge());
      relay.start();
      await waitUntil(async () => (await relay.backlog()) === 0, { message: 'outbox drained' });
      // Rounds while idle would show as published=0 transactions; none may run within the period.
      const [event] = await appendTally('woken', 1);
      const started = Date.now();
      await probe.waitForEvents((events) => events.some((e) => e.id === event.id), {
        message: 'the event published after its commit woke the relay',
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      // Rolled back: nothing queued, nothing notified, nothing published.
      await expect(
        dataSource.transaction(async (tx) => {
          await store.append(
            tx,
            [
              {
                aggregateType: 'Tally',
                aggregateId: 'rolled-back',
                expectedVersion: 'any',
                events: [{ type: 'TallyIncreased', data: { tallyId: 'rolled-back', by: 1 } }],
              },
            ],
            { correlationId: 'c-2' },
          );
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await relay.backlog()).toBe(0);
    } finally {
      await relay.stop();
      await notifications.stop();
      await probe.stop();
    }
  });

  it('is woken in process by the commit of any transaction that appended (WakeRelayOnCommit)', async () => {
    const relay = new OutboxRelay(dataSource, bus, { service: 'test', idleCheckMs: 60_000 });
    let wakes = 0;
    const subscriber = new WakeRelayOnCommit(store, () => {
      wakes++;
      relay.nudge();
    });
    dataSource.subscribers.push(subscriber);
    const probe = await TopicProbe.start(prefix, [Topics.catalog]);
    try {
      store.notifyRelays = false; // only the in-process wake-up may wake it
      relay.start();
      await waitUntil(async () => (await relay.backlog()) === 0, { message: 'outbox drained' });
      await dataSource.transaction((tx) => tx.query('SELECT 1')); // a commit without events wakes nothing
      expect(wakes).toBe(0);
      const [event] = await appendTally('woken-in-process', 2);
      expect(wakes).toBe(1);
      const started = Date.now();
      await probe.waitForEvents((events) => events.some((e) => e.id === event.id), {
        message: 'the event published after its commit woke the relay in process',
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      store.notifyRelays = true;
      dataSource.subscribers.splice(dataSource.subscribers.indexOf(subscriber), 1);
      await relay.stop();
      await probe.stop();
    }
  });

  it('lets one relay publish at a time: a second one leads only once the first stopped', async () => {
    const first = new OutboxRelay(dataSource, bus, { service: 'test' });
    const second = new OutboxRelay(dataSource, bus, { service: 'test' });
    try {
      await appendTally('leader-1', 1);
      expect(await first.relayOnce()).toBe(1);
      expect(first.leading).toBe(true);
      await appendTally('leader-2', 1);
      expect(await second.relayOnce()).toBe(0);
      expect(second.leading).toBe(false);
      await first.stop();
      // The first deleted what Kafka acknowledged when it stopped; the second takes the rest.
      expect(await second.relayOnce()).toBe(1);
      expect(second.leading).toBe(true);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('keeps per-aggregate order across batches', async () => {
    const probe = await TopicProbe.start(prefix, [Topics.catalog]);
    try {
      for (let i = 1; i <= 30; i++) await appendTally(`ordered-${i % 3}`, i);
      const relay = new OutboxRelay(dataSource, bus, { service: 'test', batchSize: 7 });
      while ((await relay.relayOnce()) > 0);
      await relay.stop();
      await probe.waitForEvents(
        (events) => events.filter((e) => e.aggregateId.startsWith('ordered-')).length === 30,
      );
      for (const id of ['ordered-0', 'ordered-1', 'ordered-2']) {
        const sequences = probe
          .events()
          .filter((e) => e.aggregateId === id)
          .map((e) => e.sequence);
        expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
        expect(sequences).toHaveLength(10);
      }
    } finally {
      await probe.stop();
    }
  });

  it('reports its backlog and the age of the oldest row on /metrics while it cannot publish, 0 once it could', async () => {
    let kafkaAway = true;
    const publisher = {
      publish: async (messages: Parameters<KafkaMessageBus['publish']>[0]) => {
        if (kafkaAway) throw new Error('Kafka is away');
        await bus.publish(messages);
      },
    };
    const gauge = async (name: string) =>
      (await register.getSingleMetric(name)!.get()).values.find((v) => v.labels.service === 'backlogged')
        ?.value;
    // What earlier cases left is published first, so the backlog is exactly what this case appends.
    const drain = new OutboxRelay(dataSource, bus, { service: 'test' });
    while ((await drain.relayOnce()) > 0);
    await drain.stop();
    const relay = new OutboxRelay(dataSource, publisher, { service: 'backlogged', idleCheckMs: 100 });
    relay.start();
    try {
      await appendTally('backlog-1', 1);
      await appendTally('backlog-2', 2);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await gauge('outbox_backlog_events')).toBe(2);
      expect(await gauge('outbox_oldest_event_age_seconds')).toBeGreaterThanOrEqual(1);
      expect(await gauge('outbox_oldest_event_age_seconds')).toBeLessThan(30);

      kafkaAway = false;
      relay.nudge();
      await waitUntil(async () => (await relay.backlog()) === 0, { message: 'the backlog published' });
      await new Promise((resolve) => setTimeout(resolve, 1100)); // the scrape's shared query is 1 s fresh
      expect(await gauge('outbox_backlog_events')).toBe(0);
      expect(await gauge('outbox_oldest_event_age_seconds')).toBe(0);
    } finally {
      await relay.stop();
    }
    // A stopped relay reports nothing.
    expect(await gauge('outbox_backlog_events')).toBeUndefined();
  });
});
