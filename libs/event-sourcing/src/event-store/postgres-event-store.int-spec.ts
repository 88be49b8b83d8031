import fc from 'fast-check';
import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { AggregateRepository } from '../aggregate/aggregate-repository';
import { EVENT_SOURCING_MIGRATIONS } from '../migrations/1763780000000-create-event-store';
import { increase, TallyAggregate, tallyRegistry } from '../test/tally.fixture';
import { StreamVersionConflictError } from './event-store.errors';
import { PostgresEventStore } from './postgres-event-store';

const ctx = { correlationId: 'test-correlation' };
const event = (tallyId: string, by = 1) => ({ type: 'TallyIncreased', data: { tallyId, by } });

describe('PostgresEventStore (PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase('event_store');
    dataSource = await createTestDataSource(db.url, EVENT_SOURCING_MIGRATIONS, 20);
    store = new PostgresEventStore({ source: 'test', registry: tallyRegistry() });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const append = (id: string, expectedVersion: number | 'any', count = 1) =>
    dataSource.transaction((tx) =>
      store.append(
        tx,
        [
          {
            aggregateType: 'Tally',
            aggregateId: id,
            expectedVersion,
            events: Array.from({ length: count }, () => event(id)),
          },
        ],
        ctx,
      ),
    );

  it('appends, reads back the envelope fields and writes one outbox row per event', async () => {
    const recorded = await append('a', 0, 2);
    expect(recorded.map((e) => e.sequence)).toEqual([1, 2]);
    expect(BigInt(recorded[1].globalPosition)).toBeGreaterThan(BigInt(recorded[0].globalPosition));
    const read = await store.readStream(dataSource, 'Tally', 'a');
    expect(read).toEqual(recorded);
    expect(read[0]).toMatchObject({
      type: 'TallyIncreased',
      version: 1,
      source: 'test',
      aggregateType: 'Tally',
      aggregateId: 'a',
      correlationId: 'test-correlation',
      causationId: null,
      data: { tallyId: 'a', by: 1 },
    });
    expect(read[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    const outbox = await dataSource.query(
      `SELECT event_id, topic, message_key, payload FROM es_outbox ORDER BY id`,
    );
    expect(outbox.map((r: { event_id: string }) => r.event_id)).toEqual(recorded.map((e) => e.id));
    expect(outbox[0]).toMatchObject({ topic: 'catalog.events', message_key: 'a' });
    expect(JSON.parse(outbox[0].payload)).toEqual({
      ...(({ globalPosition: _, ...rest }) => rest)(recorded[0]),
    });
  });

  it('rejects an append at a stale or a future expected version with the typed conflict error', async () => {
    await append('b', 0);
    await expect(append('b', 0)).rejects.toBeInstanceOf(StreamVersionConflictError);
    await expect(append('b', 5)).rejects.toMatchObject({ expectedVersion: 5, actualVersion: 1 });
    expect(await store.streamVersion(dataSource, 'Tally', 'b')).toBe(1);
  });

  it('refuses data that does not match the event schema and writes nothing', async () => {
    await expect(
      dataSource.transaction((tx) =>
        store.append(
          tx,
          [
            {
              aggregateType: 'Tally',
              aggregateId: 'bad',
              expectedVersion: 0,
              events: [{ type: 'TallyIncreased', data: { tallyId: 'bad', by: 0 } }],
            },
          ],
          ctx,
        ),
      ),
    ).rejects.toThrow(/by/);
    expect(await store.streamVersion(dataSource, 'Tally', 'bad')).toBeNull();
  });

  it('lets exactly one of two concurrent appends at the same expected version succeed', async () => {
    await append('race', 0);
    const results = await Promise.allSettled([append('race', 1), append('race', 1)]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toBeInstanceOf(StreamVersionConflictError);
    const events = await store.readStream(dataSource, 'Tally', 'race');
    expect(events.map((e) => e.sequence)).toEqual([1, 2]);
  });

  it('keeps every stream gapless and unique under any interleaving of concurrent appends (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        // Each writer: which stream it appends to, how many events, and whether it uses 'any'.
        fc.array(
          fc.record({
            stream: fc.integer({ min: 0, max: 2 }),
            count: fc.integer({ min: 1, max: 3 }),
            any: fc.boolean(),
          }),
          {
            minLength: 2,
            maxLength: 12,
          },
        ),
        async (writers) => {
          run++;
          const ids = [0, 1, 2].map((i) => `prop-${run}-${i}`);
          const outcomes = await Promise.allSettled(
            writers.map(async (w) => {
              const id = ids[w.stream];
              const expected = w.any ? 'any' : ((await store.streamVersion(dataSource, 'Tally', id)) ?? 0);
              return append(id, expected, w.count);
            }),
          );
          for (const outcome of outcomes) {
            if (outcome.status === 'rejected')
              expect(outcome.reason).toBeInstanceOf(StreamVersionConflictError);
          }
          for (const id of ids) {
            const sequences = (await store.readStream(dataSource, 'Tally', id)).map((e) => e.sequence);
            expect(sequences).toEqual(sequences.map((_, i) => i + 1));
            const version = await store.streamVersion(dataSource, 'Tally', id);
            expect(version ?? 0).toBe(sequences.length);
          }
          const appended = outcomes.reduce(
            (sum, o, i) => sum + (o.status === 'fulfilled' ? writers[i].count : 0),
            0,
          );
          const [{ count }] = await dataSource.query(
            `SELECT count(*)::int AS count FROM es_events WHERE aggregate_id = ANY($1)`,
            [ids],
          );
          expect(count).toBe(appended);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('records a per-event context when one is given, the append context otherwise', async () => {
    const recorded = await dataSource.transaction((tx) =>
      store.append(
        tx,
        [
          {
            aggregateType: 'Tally',
            aggregateId: 'ctx',
            expectedVersion: 0,
            events: [
              { ...event('ctx'), context: { correlationId: 'order-1', causationId: 'cause-1' } },
              event('ctx'),
            ],
          },
        ],
        ctx,
      ),
    );
    expect(recorded.map((e) => [e.correlationId, e.causationId])).toEqual([
      ['order-1', 'cause-1'],
      ['test-correlation', null],
    ]);
    const [outbox] = await dataSource.query(`SELECT payload FROM es_outbox WHERE event_id = $1`, [
      recorded[0].id,
    ]);
    expect(JSON.parse(outbox.payload)).toMatchObject({ correlationId: 'order-1', causationId: 'cause-1' });
  });

  it("keeps an event's own occurredAt (imported history) in the store, the envelope and the outbox", async () => {
    const past = new Date('2023-11-11T08:30:00.123Z');
    const before = Date.now();
    const recorded = await dataSource.transaction((tx) =>
      store.append(
        tx,
        [
          {
            aggregateType: 'Tally',
            aggregateId: 'dated',
            expectedVersion: 0,
            events: [{ ...event('dated'), occurredAt: past }, event('dated')],
          },
        ],
        ctx,
      ),
    );
    expect(recorded[0].occurredAt).toBe('2023-11-11T08:30:00.123Z');
    expect(Date.parse(recorded[1].occurredAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(await store.readStream(dataSource, 'Tally', 'dated')).toEqual(recorded);
    const [outbox] = await dataSource.query(`SELECT payload FROM es_outbox WHERE event_id = $1`, [
      recorded[0].id,
    ]);
    expect(JSON.parse(outbox.payload).occurredAt).toBe('2023-11-11T08:30:00.123Z');
  });

  describe('multi-stream appends', () => {
    const many = (prefix: string, count: number, expected: (i: number) => number | 'any', events = 1) =>
      Array.from({ length: count }, (_, i) => ({
        aggregateType: 'Tally',
        aggregateId: `${prefix}-${String(i).padStart(3, '0')}`,
        expectedVersion: expected(i),
        events: Array.from({ length: events }, () => event(`${prefix}-${i}`)),
      }));
    const appendAll = (streams: ReturnType<typeof many>) =>
      dataSource.transaction((tx) => store.append(tx, streams, ctx));
    const versions = async (prefix: string) =>
      (
        (await dataSource.query(
          `SELECT version FROM es_streams WHERE aggregate_id LIKE $1 ORDER BY aggregate_id`,
          [`${prefix}-%`],
        )) as { version: number }[]
      ).map((r) => r.version);

    it('claims many new and existing streams at once, each event at its own next sequence', async () => {
      const first = await appendAll(many('bulk', 50, () => 0, 2));
      expect(first).toHaveLength(100);
      expect(await versions('bulk')).toEqual(Array(50).fill(2));
      const second = await appendAll([...many('bulk', 50, () => 2), ...many('fresh', 3, () => 0)]);
      expect(second.filter((e) => e.aggregateId.startsWith('bulk-0')).map((e) => e.sequence)).toEqual(
        Array(50).fill(3),
      );
      expect(await versions('bulk')).toEqual(Array(50).fill(3));
      const read = await store.readStream(dataSource, 'Tally', 'bulk-007');
      expect(read.map((e) => e.sequence)).toEqual([1, 2, 3]);
    });

    it('refuses the whole append when one stream among many is stale or already exists, writing nothing', async () => {
      await appendAll(many('stale', 20, () => 0));
      await expect(appendAll(many('stale', 20, (i) => (i === 13 ? 0 : 1)))).rejects.toMatchObject({
        streamId: 'Tally:stale-013',
        expectedVersion: 0,
        actualVersion: 1,
      });
      await expect(appendAll(many('stale', 20, (i) => (i === 7 ? 5 : 1)))).rejects.toMatchObject({
        streamId: 'Tally:stale-007',
        actualVersion: 1,
      });
      expect(await versions('stale')).toEqual(Array(20).fill(1));
      const [{ count }] = await dataSource.query(
        `SELECT count(*)::int AS count FROM es_events WHERE aggregate_id LIKE 'stale-%'`,
      );
      expect(count).toBe(20);
    });

    it('refuses a stream given twice in one append', async () => {
      const stream = many('twice', 1, () => 0)[0];
      await expect(appendAll([stream, stream])).rejects.toThrow(/given twice/);
    });

    it('never deadlocks or loses an event under concurrent overlapping multi-stream appends', async () => {
      const ids = Array.from({ length: 12 }, (_, i) => `overlap-${String(i).padStart(2, '0')}`);
      const writers = Array.from({ length: 16 }, (_, w) => ids.filter((_, i) => (i + w) % 3 !== 0));
      const attempt = async (subset: string[]) => {
        for (;;) {
          try {
            return await dataSource.transaction(async (tx) => {
              const current = await store.lockStreams(tx, 'Tally', subset.slice().reverse());
              return store.append(
                tx,
                subset.map((id) => ({
                  aggregateType: 'Tally',
                  aggregateId: id,
                  expectedVersion: current.get(id) ?? 0,
                  events: [event(id)],
                })),
                ctx,
              );
            });
          } catch (error) {
            if (!(error instanceof StreamVersionConflictError)) throw error;
          }
        }
      };
      await Promise.all(writers.map(attempt));
      const expected = ids.map((id) => writers.filter((subset) => subset.includes(id)).length);
      expect(await versions('overlap')).toEqual(expected);
      for (const id of ids) {
        const sequences = (await store.readStream(dataSource, 'Tally', id)).map((e) => e.sequence);
        expect(sequences).toEqual(sequences.map((_, i) => i + 1));
      }
    });
  });

  describe('AggregateRepository', () => {
    it('retries on conflict so concurrent commands never lose an update', async () => {
      const repo = new AggregateRepository(dataSource, store, TallyAggregate);
      await Promise.all(
        Array.from({ length: 20 }, () => repo.execute('hot', (state) => increase('hot', 1, state), ctx)),
      );
      const loaded = await repo.load(dataSource, 'hot');
      expect(loaded).toEqual({ state: { total: 20, increments: 20 }, version: 20 });
    });

    it('takes snapshots every N events and loads the same state from them', async () => {
      const repo = new AggregateRepository(dataSource, store, TallyAggregate);
      for (let i = 1; i <= 12; i++) await repo.execute('snap', (state) => increase('snap', i, state), ctx);
      const snapshot = await store.loadSnapshot(dataSource, 'Tally', 'snap');
      expect(snapshot).toMatchObject({ version: 10, state: { total: 55, increments: 10 } });
      expect(await repo.load(dataSource, 'snap')).toEqual({
        state: { total: 78, increments: 12 },
        version: 12,
      });
    });

    it('loads many aggregates at once, from their snapshots, equal to loading each one', async () => {
      const repo = new AggregateRepository(dataSource, store, TallyAggregate);
      for (let i = 1; i <= 7; i++) await repo.execute('many-a', (state) => increase('many-a', i, state), ctx);
      await repo.execute('many-b', (state) => increase('many-b', 3, state), ctx);
      const loaded = await repo.loadMany(dataSource, ['many-a', 'many-b', 'many-new', 'many-a']);
      expect([...loaded.keys()]).toEqual(['many-a', 'many-b', 'many-new']);
      expect(loaded.get('many-a')).toEqual(await repo.load(dataSource, 'many-a'));
      expect(loaded.get('many-a')).toEqual({ state: { total: 28, increments: 7 }, version: 7 });
      expect(loaded.get('many-b')).toEqual({ state: { total: 3, increments: 1 }, version: 1 });
      expect(loaded.get('many-new')).toEqual({ state: TallyAggregate.initialState, version: 0 });
    });

    it('with lock, holds the stream rows so a concurrent writer waits and then retries on the new version', async () => {
      const repo = new AggregateRepository(dataSource, store, TallyAggregate);
      await repo.execute('locked', (state) => increase('locked', 1, state), ctx);
      let releaseLock!: () => void;
      const held = new Promise<void>((resolve) => (releaseLock = resolve));
      let lockedVersion = -1;
      const locker = dataSource.transaction(async (tx) => {
        const loaded = await repo.loadMany(tx, ['locked'], { lock: true });
        lockedVersion = loaded.get('locked')!.version;
        await held;
        await store.append(
          tx,
          [
            {
              aggregateType: 'Tally',
              aggregateId: 'locked',
              expectedVersion: lockedVersion,
              events: [event('locked', 10)],
            },
          ],
          ctx,
        );
      });
      await waitForLock();
      const writer = repo.execute('locked', (state) => increase('locked', 100, state), ctx);
      await new Promise((resolve) => setTimeout(resolve, 100));
      releaseLock();
      await Promise.all([locker, writer]);
      expect(lockedVersion).toBe(1);
      expect(await repo.load(dataSource, 'locked')).toEqual({
        state: { total: 111, increments: 3 },
        version: 3,
      });

      async function waitForLock() {
        for (let i = 0; i < 100 && lockedVersion < 0; i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });

    it('turns a refused decision into the domain error and appends nothing', async () => {
      const repo = new AggregateRepository(dataSource, store, TallyAggregate);
      await expect(repo.execute('limited', (s) => increase('limited', 5, s, 3), ctx)).rejects.toThrow(
        /exceed 3/,
      );
      expect(await store.streamVersion(dataSource, 'Tally', 'limited')).toBeNull();
    });

    it('fails fast with a conflict when a client-supplied expected version is stale', async () => {
      const repo = new AggregateRepository(dataSource, store, TallyAggregate);
      await repo.execute('versioned', (s) => increase('versioned', 1, s), ctx);
      await expect(
        repo.execute('versioned', (s) => increase('versioned', 1, s), ctx, { expectedVersion: 0 }),
      ).rejects.toBeInstanceOf(StreamVersionConflictError);
    });
  });
});
