import { PostgresEventStore } from '../event-store/postgres-event-store';
import { CommandSessions } from '../command/command-session';
import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import type { IncomingBatch, MessagePublisher, MessageSubscriber, OutgoingMessage } from '@ecom/messaging';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { BusinessRuleError } from '../domain/domain-error';
import { EVENT_SOURCING_MIGRATIONS } from '../migrations/1763780000000-create-event-store';
import { tallyRegistry } from '../test/tally.fixture';
import {
  EventBatchHandler,
  IdempotentEventConsumer,
  IdempotentEventConsumerOptions,
} from './idempotent-event-consumer';

const subscriber: MessageSubscriber = {
  subscribe: () => Promise.reject(new Error('not used: batches are fed by the test')),
};

class RecordingPublisher implements MessagePublisher {
  readonly published: OutgoingMessage[] = [];
  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.published.push(...messages);
  }
}

function envelope(tallyId: string, by: number, id = uuidv7()) {
  return {
    id,
    type: 'TallyIncreased',
    version: 1,
    source: 'test',
    aggregateType: 'Tally',
    aggregateId: tallyId,
    sequence: 1,
    occurredAt: new Date().toISOString(),
    correlationId: 'c',
    causationId: null,
    data: { tallyId, by },
  };
}

function batchOf(values: unknown[], firstOffset = 0): IncomingBatch & { marked: string[] } {
  const marked: string[] = [];
  return {
    topic: 'catalog.events',
    partition: 0,
    marked,
    messages: values.map((value, i) => ({
      topic: 'catalog.events',
      partition: 0,
      offset: String(firstOffset + i),
      key: 'k',
      value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
      headers: {},
      timestamp: Date.now(),
    })),
    lagAfterBatch: () => 0,
    markProcessed: (offset) => void marked.push(offset),
    heartbeat: async () => undefined,
    isRunning: () => true,
  };
}

describe('IdempotentEventConsumer (PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('consumer');
    dataSource = await createTestDataSource(db.url, EVENT_SOURCING_MIGRATIONS, 5);
    await dataSource.query(`CREATE TABLE tally_totals (tally_id text PRIMARY KEY, total int NOT NULL)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const consumer = (
    name: string,
    publisher: MessagePublisher,
    handler: Partial<IdempotentEventConsumerOptions>,
  ) =>
    new IdempotentEventConsumer({
      name,
      topics: ['catalog.events'],
      dataSource,
      sessions: new CommandSessions(
        dataSource,
        new PostgresEventStore({ source: 'test', registry: tallyRegistry() }),
      ),
      subscriber,
      publisher,
      registry: tallyRegistry(),
      ...handler,
    } as IdempotentEventConsumerOptions);

  const totals = async () =>
    Object.fromEntries(
      (
        (await dataSource.query(`SELECT tally_id, total FROM tally_totals ORDER BY tally_id`)) as {
          tally_id: string;
          total: number;
        }[]
      ).map((r) => [r.tally_id, r.total]),
    );

  it('requires exactly one of handle and handleEvents', () => {
    const publisher = new RecordingPublisher();
    expect(() => consumer('none', publisher, {})).toThrow(/exactly one/);
    expect(() =>
      consumer('both', publisher, { handle: async () => undefined, handleEvents: async () => undefined }),
    ).toThrow(/exactly one/);
  });

  it('hands a batch handler only the new events, in order, once; refused events go to the DLQ and the rest commits', async () => {
    await dataSource.query(`DELETE FROM tally_totals`);
    const publisher = new RecordingPublisher();
    const calls: string[][] = [];
    const handleEvents: EventBatchHandler = async (events, session) => {
      calls.push(events.map((e) => (e.data as { tallyId: string }).tallyId));
      const refused: { eventId: string; error: Error }[] = [];
      const sums = new Map<string, number>();
      for (const event of events) {
        const { tallyId, by } = event.data as { tallyId: string; by: number };
        if (by > 100) {
          refused.push({ eventId: event.id, error: new BusinessRuleError(`${by} is too much`) });
          continue;
        }
        sums.set(tallyId, (sums.get(tallyId) ?? 0) + by);
      }
      for (const [tallyId, sum] of sums) {
        await session.sql.query(
          `INSERT INTO tally_totals VALUES ($1, $2) ON CONFLICT (tally_id) DO UPDATE SET total = tally_totals.total + $2`,
          [tallyId, sum],
        );
      }
      return { refused };
    };
    const batchConsumer = consumer('batch', publisher, { handleEvents });
    const a1 = envelope('a', 1);
    const b2 = envelope('b', 2);
    const tooMuch = envelope('a', 500);
    const a4 = envelope('a', 4);
    const first = batchOf([a1, b2, 'not json', tooMuch, a4]);
    await batchConsumer.handleBatch(first);
    expect(calls).toEqual([['a', 'b', 'a', 'a']]);
    expect(await totals()).toEqual({ a: 5, b: 2 });
    expect(first.marked).toEqual(['4']);
    expect(publisher.published.map((m) => [m.topic, m.headers?.['dlq-error']])).toEqual([
      ['catalog.events.dlq', expect.stringMatching(/not JSON/)],
      ['catalog.events.dlq', '500 is too much'],
    ]);

    // Redelivery of the same events plus one new: only the new one reaches the handler.
    const b8 = envelope('b', 8);
    await batchConsumer.handleBatch(batchOf([a1, b2, a4, b8], 5));
    expect(calls[1]).toEqual(['b']);
    expect(await totals()).toEqual({ a: 5, b: 10 });

    // All seen before: the handler is not called at all.
    await batchConsumer.handleBatch(batchOf([a1, b8], 9));
    expect(calls).toHaveLength(2);
  });

  it('rolls the whole batch back when a batch handler throws, so a retry applies it exactly once', async () => {
    await dataSource.query(`DELETE FROM tally_totals`);
    const publisher = new RecordingPublisher();
    let failNext = true;
    const flaky = consumer('flaky-batch', publisher, {
      handleEvents: async (events, session) => {
        for (const event of events) {
          const { tallyId, by } = event.data as { tallyId: string; by: number };
          await session.sql.query(
            `INSERT INTO tally_totals VALUES ($1, $2) ON CONFLICT (tally_id) DO UPDATE SET total = tally_totals.total + $2`,
            [tallyId, by],
          );
        }
        if (failNext) {
          failNext = false;
          throw new BusinessRuleError('even a domain error thrown by a batch handler means retry');
        }
      },
    });
    const events = [envelope('x', 1), envelope('x', 2)];
    await expect(flaky.handleBatch(batchOf(events))).rejects.toThrow(/retry/);
    expect(await totals()).toEqual({});
    await flaky.handleBatch(batchOf(events));
    expect(await totals()).toEqual({ x: 3 });
    expect(publisher.published).toEqual([]);
  });

  it('keeps the per-event handler working: duplicates skipped, a refused event dead-lettered alone', async () => {
    await dataSource.query(`DELETE FROM tally_totals`);
    const publisher = new RecordingPublisher();
    const perEvent = consumer('per-event', publisher, {
      handle: async (event, session) => {
        const { tallyId, by } = event.data as { tallyId: string; by: number };
        await session.sql.query(
          `INSERT INTO tally_totals VALUES ($1, $2) ON CONFLICT (tally_id) DO UPDATE SET total = tally_totals.total + $2`,
          [tallyId, by],
        );
        if (by > 100) throw new BusinessRuleError('too much');
      },
    });
    const p1 = envelope('p', 1);
    await perEvent.handleBatch(batchOf([p1, envelope('p', 500), p1, envelope('p', 2)]));
    expect(await totals()).toEqual({ p: 3 });
    expect(publisher.published).toHaveLength(1);
  });

  it('keeps no claim on a refused event: redelivered (redriven from the DLQ) once its cause is fixed, it is applied once', async () => {
    await dataSource.query(`DELETE FROM tally_totals`);
    let limit = 100;
    const refuseAboveLimit = async (event: { data: unknown }, session: { sql: DataSource['manager'] }) => {
      const { tallyId, by } = event.data as { tallyId: string; by: number };
      if (by > limit) throw new BusinessRuleError(`${by} is above ${limit}`);
      await session.sql.query(
        `INSERT INTO tally_totals VALUES ($1, $2) ON CONFLICT (tally_id) DO UPDATE SET total = tally_totals.total + $2`,
        [tallyId, by],
      );
    };
    for (const [name, handler] of [
      ['redrive-per-event', { handle: refuseAboveLimit }],
      [
        'redrive-batch',
        {
          handleEvents: async (
            events: { id: string; data: unknown }[],
            session: { sql: DataSource['manager'] },
          ) => {
            const refused: { eventId: string; error: Error }[] = [];
            for (const event of events) {
              try {
                await refuseAboveLimit(event, session);
              } catch (error) {
                refused.push({ eventId: event.id, error: error as Error });
              }
            }
            return { refused };
          },
        },
      ],
    ] as const) {
      limit = 100;
      const tallyId = `${name}-tally`;
      const publisher = new RecordingPublisher();
      const refusing = consumer(name, publisher, handler as Partial<IdempotentEventConsumerOptions>);
      const big = envelope(tallyId, 500);
      await refusing.handleBatch(batchOf([envelope(tallyId, 1), big]));
      expect(publisher.published.map((m) => m.headers?.['dlq-error'])).toEqual(['500 is above 100']);
      expect((await totals())[tallyId]).toBe(1);

      limit = 1000; // the cause fixed; the DLQ message comes back on the topic
      await refusing.handleBatch(batchOf([big], 10));
      expect((await totals())[tallyId]).toBe(501);
      await refusing.handleBatch(batchOf([big], 11));
      expect((await totals())[tallyId]).toBe(501);
      expect(publisher.published).toHaveLength(1);
    }
  });
});
