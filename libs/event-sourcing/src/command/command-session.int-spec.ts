import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { StreamVersionConflictError } from '../event-store/event-store.errors';
import { GroupCommitter } from '../event-store/group-commit';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { EVENT_SOURCING_MIGRATIONS } from '../migrations/1763780000000-create-event-store';
import { increase, TallyAggregate, tallyRegistry } from '../test/tally.fixture';
import { CommandSessions } from './command-session';

const ctx = { correlationId: 'command-session' };

describe('CommandSessions (PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let commands: CommandSessions;
  const afterCommitErrors: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('command_session');
    dataSource = await createTestDataSource(db.url, EVENT_SOURCING_MIGRATIONS, 10);
    store = new PostgresEventStore({ source: 'test', registry: tallyRegistry() });
    commands = new CommandSessions(dataSource, store, {
      committer: new GroupCommitter(dataSource, store),
      onAfterCommitError: (key) => afterCommitErrors.push(key),
    });
    await dataSource.query(`CREATE TABLE labels (tally_id text PRIMARY KEY, label text NOT NULL)`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const total = async (id: string) => (await commands.load(TallyAggregate, id)).state.total;

  it('executes concurrent commands on one aggregate without losing an update (group commit, retried on conflict)', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        commands.execute(TallyAggregate, 'hot', (state) => increase('hot', 1, state), ctx),
      ),
    );
    expect(results.every((r) => r.events.length === 1)).toBe(true);
    expect(await total('hot')).toBe(20);
    // Crossing multiples of snapshotEvery (5) left a snapshot of the latest multiple.
    expect((await store.loadSnapshot(dataSource, 'Tally', 'hot'))?.version).toBe(20);
  });

  it('commits events, own rows and after-commit work of a session together, after the commit', async () => {
    const seen: string[] = [];
    const result = await commands.run(async (session) => {
      const executed = await session.execute(
        TallyAggregate,
        'labelled',
        (s) => increase('labelled', 3, s),
        ctx,
      );
      await session.sql.query(`INSERT INTO labels VALUES ($1, $2)`, ['labelled', 'three']);
      session.afterCommit('read-back', async (sql) => {
        // Runs after COMMIT: another connection already sees the row and the event.
        const [row] = await sql.query(`SELECT label FROM labels WHERE tally_id = $1`, ['labelled']);
        seen.push(`${row.label}:${await total('labelled')}`);
      });
      return executed.state.total;
    });
    expect(result).toBe(3);
    expect(seen).toEqual(['three:3']);
  });

  it('rolls back everything and runs no after-commit work when the session fails', async () => {
    const ran: string[] = [];
    await expect(
      commands.run(async (session) => {
        await session.execute(TallyAggregate, 'refused', (s) => increase('refused', 1, s), ctx);
        await session.sql.query(`INSERT INTO labels VALUES ($1, $2)`, ['refused', 'x']);
        session.afterCommit('never', () => void ran.push('ran'));
        await session.execute(TallyAggregate, 'refused', (s) => increase('refused', 5, s, 3), ctx);
      }),
    ).rejects.toThrow(/exceed 3/);
    expect(ran).toEqual([]);
    expect(await total('refused')).toBe(0);
    expect(await dataSource.query(`SELECT * FROM labels WHERE tally_id = 'refused'`)).toEqual([]);
  });

  it('runs a session again on fresh state when it loses a version race', async () => {
    let attempts = 0;
    await commands.run(async (session) => {
      attempts++;
      const { state, version } = await session.load(TallyAggregate, 'raced');
      if (attempts === 1) {
        // Someone else appends between our load and our append.
        await commands.execute(TallyAggregate, 'raced', (s) => increase('raced', 10, s), ctx);
      }
      await session.append(
        [
          {
            aggregateType: 'Tally',
            aggregateId: 'raced',
            expectedVersion: version,
            events: increase('raced', 1, state),
          },
        ],
        ctx,
      );
    });
    expect(attempts).toBe(2);
    expect(await total('raced')).toBe(11);
  });

  it('answers a stale client-supplied version with a conflict at once, without retrying', async () => {
    await commands.execute(TallyAggregate, 'versioned', (s) => increase('versioned', 1, s), ctx);
    let decided = 0;
    const stale = commands.execute(
      TallyAggregate,
      'versioned',
      (s) => {
        decided++;
        return increase('versioned', 1, s);
      },
      ctx,
      { expectedVersion: 0 },
    );
    await expect(stale).rejects.toBeInstanceOf(StreamVersionConflictError);
    await expect(stale).rejects.toMatchObject({ retryable: false });
    expect(decided).toBe(0);
    expect(await total('versioned')).toBe(1);
  });

  it('serialises locked commands whose decision waits, deciding each on the committed state', async () => {
    // A lock holds an existing stream (the creators of a new one race on its version instead).
    await commands.execute(TallyAggregate, 'locked', (s) => increase('locked', 1, s), ctx);
    const decidedOn: number[] = [];
    await Promise.all(
      Array.from({ length: 3 }, () =>
        commands.execute(
          TallyAggregate,
          'locked',
          async (state) => {
            decidedOn.push(state.total);
            await new Promise((resolve) => setTimeout(resolve, 30)); // a payment gateway call
            return increase('locked', 1, state);
          },
          ctx,
          { lock: true },
        ),
      ),
    );
    // With the lock nobody decided twice: each decision saw the previous one committed.
    expect(decidedOn).toEqual([1, 2, 3]);
  });

  it('executes a batch with one locked load, refusing only the commands that break a rule', async () => {
    const results = await commands.run((session) =>
      session.executeBatch(TallyAggregate, [
        { aggregateId: 'batch-a', decide: (s) => increase('batch-a', 2, s, 3), context: ctx },
        { aggregateId: 'batch-a', decide: (s) => increase('batch-a', 2, s, 3), context: ctx },
        { aggregateId: 'batch-b', decide: (s) => increase('batch-b', 1, s), context: ctx },
      ]),
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(await total('batch-a')).toBe(2);
    expect(await total('batch-b')).toBe(1);
  });

  it('tracks aggregates for decisions in memory and appends what they recorded once, before the commit', async () => {
    await commands.execute(TallyAggregate, 'tracked-a', (s) => increase('tracked-a', 1, s), ctx);
    const appended = await commands.run(async (session) => {
      const tallies = await session.track(TallyAggregate, ['tracked-a', 'tracked-b'], { lock: true });
      // Each decision sees what the ones before it recorded.
      tallies.record('tracked-a', increase('tracked-a', 2, tallies.state('tracked-a')), ctx);
      tallies.record(
        'tracked-b',
        increase('tracked-b', tallies.state('tracked-a').total, tallies.state('tracked-b')),
        {
          correlationId: 'second',
        },
      );
      expect(tallies.version('tracked-a')).toBe(2);
      expect(() => tallies.state('never-tracked')).toThrow(/was not loaded/);
      return (await session.flush()).map((e) => `${e.aggregateId}@${e.sequence}:${e.correlationId}`);
    });
    expect(appended.sort()).toEqual(['tracked-a@2:command-session', 'tracked-b@1:second']);
    expect(await total('tracked-a')).toBe(3);
    expect(await total('tracked-b')).toBe(3);
    const [{ transactions }] = await dataSource.query(
      `SELECT count(DISTINCT xmin::text)::int AS transactions FROM es_events
        WHERE aggregate_id IN ('tracked-a', 'tracked-b') AND NOT (aggregate_id = 'tracked-a' AND sequence = 1)`,
    );
    expect(transactions).toBe(1);
  });

  it('appends recorded events by itself when the session ends without a flush, and nothing on a rollback', async () => {
    await commands.run(async (session) => {
      const tallies = await session.track(TallyAggregate, ['auto-flushed']);
      tallies.record('auto-flushed', increase('auto-flushed', 4, tallies.state('auto-flushed')), ctx);
    });
    expect(await total('auto-flushed')).toBe(4);
    await expect(
      commands.run(async (session) => {
        const tallies = await session.track(TallyAggregate, ['rolled-back']);
        tallies.record('rolled-back', increase('rolled-back', 4, tallies.state('rolled-back')), ctx);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await total('rolled-back')).toBe(0);
  });

  it('reports failing after-commit work without failing the committed command', async () => {
    const result = await commands.run(async (session) => {
      session.afterCommit('broken-cache', () => {
        throw new Error('cache down');
      });
      return session.execute(TallyAggregate, 'after-fail', (s) => increase('after-fail', 1, s), ctx);
    });
    expect(result.version).toBe(1);
    expect(afterCommitErrors).toContain('broken-cache');
    expect(await total('after-fail')).toBe(1);
  });
});
