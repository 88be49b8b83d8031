import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { AggregateRepository } from '../aggregate/aggregate-repository';
import { EVENT_SOURCING_MIGRATIONS } from '../migrations/1763780000000-create-event-store';
import { increase, TallyAggregate, tallyRegistry } from '../test/tally.fixture';
import { StreamVersionConflictError } from './event-store.errors';
import { GroupCommitter } from './group-commit';
import { PostgresEventStore } from './postgres-event-store';

const ctx = { correlationId: 'group-commit' };
const tally = (id: string, expectedVersion: number, by = 1) => ({
  aggregateType: 'Tally',
  aggregateId: id,
  expectedVersion,
  events: [{ type: 'TallyIncreased', data: { tallyId: id, by } }],
});

describe('GroupCommitter (PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let committer: GroupCommitter;

  beforeAll(async () => {
    db = await createTestDatabase('group_commit');
    dataSource = await createTestDataSource(db.url, EVENT_SOURCING_MIGRATIONS, 10);
    store = new PostgresEventStore({ source: 'test', registry: tallyRegistry() });
    committer = new GroupCommitter(dataSource, store);
    await dataSource.query(`CREATE TABLE side_rows (id text PRIMARY KEY)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /** Transactions that wrote the events of these streams (rows one transaction inserted share its xmin). */
  const transactionsOf = async (prefix: string): Promise<number> => {
    const [{ count }] = await dataSource.query(
      `SELECT count(DISTINCT xmin::text)::int AS count FROM es_events WHERE aggregate_id LIKE $1`,
      [`${prefix}%`],
    );
    return count;
  };

  it('commits concurrent commands on different streams together, each with its own events', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        committer.commit({ streams: [tally(`many-${i}`, 0, i + 1)], context: ctx }),
      ),
    );
    results.forEach((events, i) => {
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ aggregateId: `many-${i}`, sequence: 1, data: { by: i + 1 } });
    });
    // 50 commands that arrived together are written by far fewer transactions than 50.
    expect(await transactionsOf('many-')).toBeLessThan(10);
    const [{ count }] = await dataSource.query(
      `SELECT count(*)::int AS count FROM es_outbox WHERE message_key LIKE 'many-%'`,
    );
    expect(count).toBe(50);
  });

  it('lets exactly one of concurrent commands decided on the same version win; the others conflict', async () => {
    await committer.commit({ streams: [tally('contended', 0)], context: ctx });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        committer.commit({ streams: [tally('contended', 1, 5)], context: ctx }),
      ),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const o of lost) expect(o.reason).toBeInstanceOf(StreamVersionConflictError);
    const events = await store.readStream(dataSource, 'Tally', 'contended');
    expect(events.map((e) => e.sequence)).toEqual([1, 2]);
  });

  it('refuses a multi-stream command as a whole when one of its streams conflicts, and commits its neighbours', async () => {
    await committer.commit({ streams: [tally('taken', 0)], context: ctx });
    const [refused, neighbour] = await Promise.allSettled([
      committer.commit({ streams: [tally('fresh-of-refused', 0), tally('taken', 0)], context: ctx }),
      committer.commit({ streams: [tally('neighbour', 0)], context: ctx }),
    ]);
    expect(refused.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(StreamVersionConflictError);
    expect(neighbour.status).toBe('fulfilled');
    // The refused command's new stream was given back: it can be created afresh at version 0.
    expect(await store.streamVersion(dataSource, 'Tally', 'fresh-of-refused')).toBeNull();
    expect(await store.readStream(dataSource, 'Tally', 'fresh-of-refused')).toEqual([]);
    expect(await store.streamVersion(dataSource, 'Tally', 'taken')).toBe(1);

    // An existing stream the refused command had moved goes back to its version, events and all.
    await committer.commit({ streams: [tally('existing-of-refused', 0)], context: ctx });
    await expect(
      committer.commit({ streams: [tally('existing-of-refused', 1), tally('taken', 0)], context: ctx }),
    ).rejects.toBeInstanceOf(StreamVersionConflictError);
    expect(await store.streamVersion(dataSource, 'Tally', 'existing-of-refused')).toBe(1);
    expect(await store.readStream(dataSource, 'Tally', 'existing-of-refused')).toHaveLength(1);
    await committer.commit({ streams: [tally('existing-of-refused', 1)], context: ctx });
    expect(await store.streamVersion(dataSource, 'Tally', 'existing-of-refused')).toBe(2);
  });

  it('fails only the command whose own extra write fails', async () => {
    await dataSource.query(`INSERT INTO side_rows (id) VALUES ('duplicate')`);
    const outcomes = await Promise.allSettled(
      ['side-1', 'side-2', 'duplicate', 'side-3'].map((id) =>
        committer.commit({
          streams: [tally(`side-stream-${id}`, 0)],
          context: ctx,
          alsoWrite: (tx) => tx.query(`INSERT INTO side_rows (id) VALUES ($1)`, [id]),
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await store.streamVersion(dataSource, 'Tally', 'side-stream-duplicate')).toBeNull();
    const rows: { id: string }[] = await dataSource.query(`SELECT id FROM side_rows ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual(['duplicate', 'side-1', 'side-2', 'side-3']);
  });

  it('serves the repository: concurrent commands on one aggregate all apply, one after another, never merged', async () => {
    const tallies = new AggregateRepository(dataSource, store, TallyAggregate, { committer });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        tallies.execute('repo-hot', (state) => increase('repo-hot', i + 1, state), ctx),
      ),
    );
    const loaded = await tallies.load(dataSource, 'repo-hot');
    expect(loaded.version).toBe(20);
    expect(loaded.state).toEqual({ total: (20 * 21) / 2, increments: 20 });
    const events = await store.readStream(dataSource, 'Tally', 'repo-hot');
    expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // The snapshot written through the group commit matches the state at its version.
    const snapshot = await store.loadSnapshot(dataSource, 'Tally', 'repo-hot');
    expect(snapshot?.version).toBe(20);
    expect(snapshot?.state).toEqual({ total: 210, increments: 20 });
  });
});
