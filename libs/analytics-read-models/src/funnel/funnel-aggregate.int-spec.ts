import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { randomUUID } from 'crypto';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { ANALYTICS_MIGRATIONS } from '../index';
import { snapshotReadModels, truncateReadModels } from '../read-model-tables';
import { FUNNEL_STEP_SET, foldFunnel, FunnelDayRow, rebuildFunnelAggregate } from './funnel-aggregate';
import { FUNNEL_STEPS } from './funnel.domain';
import { FunnelQueries } from './funnel.queries';

interface Fact {
  eventId: string;
  day: string;
  visitorId: string;
  step: string;
  at: string;
  channel: string | null;
}

const DAYS = ['2026-03-01', '2026-03-02'];
const STEPS = [...FUNNEL_STEPS.map((s) => s.step), 'search', 'cart_created', 'cart_item_removed'];

/** The funnel's definition (docs/analytics.md) computed in memory: rows per day and first-touch channel. */
function expectedRows(facts: readonly Fact[]): FunnelDayRow[] {
  const byVisitorDay = new Map<string, Fact[]>();
  for (const f of facts) {
    const key = `${f.day}|${f.visitorId}`;
    byVisitorDay.set(key, [...(byVisitorDay.get(key) ?? []), f]);
  }
  const rows = new Map<string, FunnelDayRow>();
  for (const events of byVisitorDay.values()) {
    const touch = events
      .filter((e) => e.channel !== null)
      .sort((a, b) => a.at.localeCompare(b.at) || a.eventId.localeCompare(b.eventId))[0];
    let reached = 0;
    let after = '';
    for (const { step } of FUNNEL_STEPS) {
      const times = events.filter((e) => e.step === step && e.at >= after).map((e) => e.at);
      if (times.length === 0) break;
      after = times.sort()[0];
      reached++;
    }
    if (reached === 0) continue;
    const channel = touch?.channel ?? null;
    const key = `${events[0].day}|${channel}`;
    const row = rows.get(key) ?? { day: events[0].day, channel, s1: 0, s2: 0, s3: 0, s4: 0, s5: 0 };
    for (let i = 1; i <= reached; i++) row[`s${i}` as 's1']++;
    rows.set(key, row);
  }
  return [...rows.values()].sort(
    (a, b) => a.day.localeCompare(b.day) || (a.channel ?? '\uffff').localeCompare(b.channel ?? '\uffff'),
  );
}

/** What the projector's fact writer does with a behaviour event (insert-or-ignore, marked pending). */
async function write(sql: DataSource, facts: readonly Fact[]): Promise<void> {
  await sql.transaction(async (tx) => {
    for (const f of facts) {
      const marks = FUNNEL_STEP_SET.has(f.step) || f.channel !== null;
      await tx.query(
        `WITH added AS (
           INSERT INTO an_visitor_events (event_id, day, visitor_id, step, occurred_at, channel)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING RETURNING event_id, day, visitor_id)
         INSERT INTO an_funnel_pending (event_id, day, visitor_id)
         SELECT event_id, day, visitor_id FROM added WHERE $7`,
        [f.eventId, f.day, f.visitorId, f.step, f.at, f.channel, marks],
      );
    }
  });
}

const byDayAndChannel = (rows: FunnelDayRow[]) =>
  [...rows].sort(
    (a, b) => a.day.localeCompare(b.day) || (a.channel ?? '\uffff').localeCompare(b.channel ?? '\uffff'),
  );

const factArbitrary: fc.Arbitrary<Fact> = fc
  .record({
    day: fc.constantFrom(...DAYS),
    visitor: fc.integer({ min: 1, max: 4 }),
    step: fc.constantFrom(...STEPS),
    minute: fc.integer({ min: 0, max: 30 }),
    channel: fc.constantFrom(null, null, 'web', 'app'),
  })
  .map(({ day, visitor, step, minute, channel }) => ({
    eventId: randomUUID(),
    day,
    visitorId: `v${visitor}`,
    step,
    at: `${day}T10:${String(minute).padStart(2, '0')}:00.000Z`,
    channel,
  }));

describe('funnel pre-aggregation', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let queries: FunnelQueries;

  beforeAll(async () => {
    db = await createTestDatabase('funnel_aggregate');
    dataSource = await createTestDataSource(db.url, ANALYTICS_MIGRATIONS);
    queries = new FunnelQueries(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });
  beforeEach(() => truncateReadModels(dataSource));

  const storedDays = async () =>
    byDayAndChannel(
      await dataSource.query(`SELECT day::text AS day, channel, s1, s2, s3, s4, s5 FROM an_funnel_days`),
    );
  /** The funnel's totals, days and channels as visitors per step. */
  const answered = async (channel?: string) => {
    const view = await queries.funnel({ from: DAYS[0], to: DAYS[1], channel });
    const visitors = (steps: { visitors: number }[]) => steps.map((s) => s.visitors);
    return {
      steps: visitors(view.steps),
      days: view.days.map((d) => [d.day, visitors(d.steps)]),
      channels: view.channels.map((c) => [c.channel, visitors(c.steps)]),
    };
  };
  const expectedView = (rows: FunnelDayRow[], channel?: string) => {
    const selected = rows.filter((r) => channel === undefined || r.channel === channel);
    const sum = (of: FunnelDayRow[]) =>
      FUNNEL_STEPS.map((_, i) => of.reduce((n, r) => n + r[`s${i + 1}` as 's1'], 0));
    const channels = [...new Set(selected.map((r) => r.channel))].sort((a, b) =>
      (a ?? '\uffff').localeCompare(b ?? '\uffff'),
    );
    return {
      steps: sum(selected),
      days: DAYS.map((day) => [day, sum(selected.filter((r) => r.day === day))]),
      channels: channels.map((c) => [c, sum(selected.filter((r) => r.channel === c))]),
    };
  };

  it('answers the definition whatever the arrival order, batch cuts and fold points, and folds to it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(factArbitrary, { minLength: 1, maxLength: 40 }),
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 8 }), fold: fc.boolean() }), {
          minLength: 1,
          maxLength: 10,
        }),
        async (facts, cuts) => {
          await truncateReadModels(dataSource);
          const expected = expectedRows(facts);
          let start = 0;
          for (let c = 0; start < facts.length; c++) {
            const { size, fold } = cuts[c % cuts.length];
            const batch = facts.slice(start, start + size);
            start += size;
            // A redelivered event changes nothing.
            await write(dataSource, c % 3 === 2 ? [...batch, facts[0]] : batch);
            if (fold) await foldFunnel(dataSource);
            const applied = expectedRows(facts.slice(0, start));
            expect(await answered()).toEqual(expectedView(applied));
            expect(await answered('web')).toEqual(expectedView(applied, 'web'));
          }
          const snapshot = await snapshotReadModels(dataSource);
          expect(byDayAndChannel(snapshot.funnel as FunnelDayRow[])).toEqual(expected);
          await foldFunnel(dataSource);
          expect(await storedDays()).toEqual(expected);
          expect(await dataSource.query(`SELECT * FROM an_funnel_pending`)).toEqual([]);
          expect(await snapshotReadModels(dataSource)).toEqual(snapshot);
        },
      ),
      { numRuns: 40, endOnFailure: true },
    );
  });

  it('answers from the aggregate: once folded, the query no longer reads the behaviour events', async () => {
    const facts = fc.sample(factArbitrary, { numRuns: 60, seed: 7 });
    await write(dataSource, facts);
    await foldFunnel(dataSource);
    const before = await queries.funnel({ from: DAYS[0], to: DAYS[1] });
    expect(before.steps[0].visitors).toBeGreaterThan(0);
    await dataSource.query(`DELETE FROM an_visitor_events`);
    expect(await queries.funnel({ from: DAYS[0], to: DAYS[1] })).toEqual(before);
  });

  it('stays exact with batches and folds running concurrently', async () => {
    const facts = fc.sample(factArbitrary, { numRuns: 300, seed: 11 });
    const batches = Array.from({ length: 30 }, (_, i) => facts.slice(i * 10, i * 10 + 10));
    await Promise.all(
      batches.map(async (batch) => {
        await write(dataSource, batch);
        await foldFunnel(dataSource);
      }),
    );
    expect(await storedDays()).toEqual(expectedRows(facts));
  });

  it('builds the aggregate from facts already stored (the migration)', async () => {
    const facts = fc.sample(factArbitrary, { numRuns: 80, seed: 3 });
    await write(dataSource, facts);
    await dataSource.query(`TRUNCATE an_funnel_pending`);
    await dataSource.transaction((tx) => rebuildFunnelAggregate(tx));
    expect(await storedDays()).toEqual(expectedRows(facts));
  });
});
