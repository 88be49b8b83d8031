/**
 * Funnel query benchmark: a year of behaviour facts (BENCH_VISITORS_PER_DAY visitor-days a day, about
 * 3.3 events each: ~3 million rows at the default 2500) written straight into an_visitor_events of a
 * fresh analytics database, then the funnel timed over the year and over 30 days, with and without a
 * channel filter, p50/p99:
 *
 * - before: the query as it was (the funnel derived from every behaviour event at read time), a few runs;
 * - after: FunnelQueries.funnel on the pre-aggregation (funnel-aggregate.ts), BENCH_RUNS runs;
 * - the same with BENCH_PENDING behaviour events not folded yet (the moment between a batch's commit
 *   and its fold), and the projector's fold of 100-event batches.
 *
 *   node -r @swc-node/register bench/analytics/funnel.ts
 */
import './quiet';
import 'reflect-metadata';
import { foldFunnel, FUNNEL_STEPS, FunnelQueries, rebuildFunnelAggregate } from '@ecom/analytics-read-models';
import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import type { SqlExecutor } from '@ecom/event-sourcing';
import { withAnalyticsDatabase } from './analytics-database';
import { log, timeQuery as timed } from './query-timing';

const VISITORS_PER_DAY = Number(process.env.BENCH_VISITORS_PER_DAY ?? 2500);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const BEFORE_RUNS = Number(process.env.BENCH_BEFORE_RUNS ?? 3);
/** The query as it was can take minutes: each run is cut at this (and the range reported as slower). */
const BEFORE_TIMEOUT_MS = Number(process.env.BENCH_BEFORE_TIMEOUT_MS ?? 60_000);
const PENDING = Number(process.env.BENCH_PENDING ?? 1000);
const CHANNELS = ['web', 'app', 'mini_program', 'h5', 'wechat', 'partner'];
const FROM = '2025-12-01';
const TO = '2026-11-30';
const MONTH_AGO = '2026-11-01';
const SEVEN_DAYS_AGO = '2026-11-24';

/** The funnel as it was computed before the pre-aggregation: every behaviour event of the range, at read time. */
async function legacyFunnel(sql: SqlExecutor, options: { from: string; to: string; channel?: string }) {
  const steps = FUNNEL_STEPS.map((s) => s.step);
  const chain = steps
    .slice(1)
    .map(
      (_, i) => `, s${i + 2} AS (
        SELECT s.day, s.visitor_id, min(e.occurred_at) AS t FROM s${i + 1} s
          JOIN ev e ON e.day = s.day AND e.visitor_id = s.visitor_id AND e.step = $${i + 5} AND e.occurred_at >= s.t
         GROUP BY s.day, s.visitor_id)`,
    )
    .join('');
  const rows: { channel: string | null; s1: number; s2: number; s3: number; s4: number; s5: number }[] =
    await sql.query(
      `WITH ev AS (
         SELECT day, visitor_id, step, occurred_at FROM an_visitor_events
          WHERE day BETWEEN $1::date AND $2::date AND step = ANY($3::text[])
       ), touch AS (
         SELECT DISTINCT ON (day, visitor_id) day, visitor_id, channel FROM an_visitor_events
          WHERE day BETWEEN $1::date AND $2::date AND channel IS NOT NULL
          ORDER BY day, visitor_id, occurred_at, event_id
       ), s1 AS (
         SELECT day, visitor_id, min(occurred_at) AS t FROM ev WHERE step = $4 GROUP BY day, visitor_id
       )${chain}
       SELECT s1.day::text AS day, touch.channel,
              count(*)::int AS s1, count(s2.t)::int AS s2, count(s3.t)::int AS s3,
              count(s4.t)::int AS s4, count(s5.t)::int AS s5
         FROM s1
         LEFT JOIN s2 USING (day, visitor_id) LEFT JOIN s3 USING (day, visitor_id)
         LEFT JOIN s4 USING (day, visitor_id) LEFT JOIN s5 USING (day, visitor_id)
         LEFT JOIN touch USING (day, visitor_id)
        GROUP BY s1.day, touch.channel`,
      [options.from, options.to, steps, ...steps],
    );
  return rows.filter((r) => options.channel === undefined || r.channel === options.channel);
}

/** One month of synthetic visitor-days: depth 1..5 of the funnel, first touch on the visit, noise events. */
async function generateMonth(sql: DataSource, from: string, to: string): Promise<number> {
  const [{ count }] = await sql.query(
    `WITH vd AS (
       SELECT day, visitor_id, channel, base,
              CASE WHEN r < 0.4 THEN 1 WHEN r < 0.7 THEN 2 WHEN r < 0.85 THEN 3 WHEN r < 0.93 THEN 4 ELSE 5 END AS depth
         FROM (SELECT d::date AS day, 'v' || floor(random() * $3 * 10)::int AS visitor_id, random() AS r,
                      ($4::text[])[1 + floor(random() * (cardinality($4::text[]) + 1))::int] AS channel,
                      d + random() * interval '20 hours' AS base
                 FROM generate_series($1::date, $2::date, interval '1 day') d, generate_series(1, $3::int) v) x
     ), added AS (
       INSERT INTO an_visitor_events (event_id, day, visitor_id, step, occurred_at, channel)
       SELECT gen_random_uuid(), vd.day, vd.visitor_id, e.step, e.at, e.channel FROM vd
       CROSS JOIN LATERAL (
         SELECT ($5::text[])[k] AS step, vd.base + k * interval '2 minutes' AS at,
                CASE WHEN k = 1 THEN vd.channel END AS channel
           FROM generate_series(1, vd.depth) k
         UNION ALL SELECT 'search', vd.base - interval '1 minute', NULL WHERE random() < 0.3
         UNION ALL SELECT 'product_view', vd.base + interval '30 seconds', NULL WHERE random() < 0.5
         UNION ALL SELECT 'page_view', vd.base + interval '5 minutes', vd.channel WHERE random() < 0.4
       ) e
       RETURNING 1
     )
     SELECT count(*)::int AS count FROM added`,
    [from, to, VISITORS_PER_DAY, CHANNELS, FUNNEL_STEPS.map((s) => s.step)],
  );
  return count;
}

function monthsOf(from: string, to: string): [string, string][] {
  const months: [string, string][] = [];
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  for (let at = start; at <= end;) {
    const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    const last = new Date(Math.min(next.getTime() - 86_400_000, end.getTime()));
    months.push([at.toISOString().slice(0, 10), last.toISOString().slice(0, 10)]);
    at = next;
  }
  return months;
}

/** Behaviour events as the projector writes them (fact + pending mark), `count` of them for `day`. */
async function writePending(sql: DataSource, day: string, count: number): Promise<void> {
  const steps = FUNNEL_STEPS.map((s) => s.step);
  const ids = Array.from({ length: count }, () => randomUUID());
  await sql.query(
    `WITH added AS (
       INSERT INTO an_visitor_events (event_id, day, visitor_id, step, occurred_at, channel)
       SELECT id, $2::date, 'p' || (n % 300), ($3::text[])[1 + n % 5], $2::date + n * interval '1 second',
              CASE WHEN n % 3 = 0 THEN 'web' END
         FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)
       RETURNING event_id, day, visitor_id)
     INSERT INTO an_funnel_pending (event_id, day, visitor_id) SELECT event_id, day, visitor_id FROM added`,
    [ids, day, steps],
  );
}

async function main(): Promise<void> {
  await withAnalyticsDatabase('funnel', async (sql) => {
    const queries = new FunnelQueries(sql);

    log(`generating a year of behaviour (${FROM}..${TO}, ${VISITORS_PER_DAY} visitor-days a day)`);
    const generating = Date.now();
    let rows = 0;
    for (const [from, to] of monthsOf(FROM, TO)) {
      rows += await generateMonth(sql, from, to);
      log(`  ${from}..${to}: ${rows} events (${((Date.now() - generating) / 1000).toFixed(0)} s)`);
    }
    await sql.query(`ANALYZE an_visitor_events`);
    console.log(
      `facts: ${rows} behaviour events over 365 days in ${((Date.now() - generating) / 1000).toFixed(1)} s`,
    );

    log(
      `before: the funnel derived from every event at read time (each run cut at ${BEFORE_TIMEOUT_MS / 1000} s)`,
    );
    const before: Record<string, unknown> = {};
    for (const [label, from, channel] of [
      ['1 day, channel=app', TO, 'app'],
      ['7 days, channel=app', SEVEN_DAYS_AGO, 'app'],
      ['30 days, channel=app', MONTH_AGO, 'app'],
      ['year, all channels', FROM, undefined],
      ['year, channel=app', FROM, 'app'],
    ] as const) {
      try {
        before[label] = await timed(`before  ${label}`, BEFORE_RUNS, () =>
          sql.transaction(async (tx) => {
            await tx.query(`SET LOCAL statement_timeout = ${BEFORE_TIMEOUT_MS}`);
            return legacyFunnel(tx, { from, to: TO, channel });
          }),
        );
      } catch (error) {
        if (!/statement timeout/.test((error as Error).message)) throw error;
        console.log(`${`before  ${label}`.padEnd(52)} over ${BEFORE_TIMEOUT_MS / 1000} s (cancelled)`);
        before[label] = { overMs: BEFORE_TIMEOUT_MS };
      }
    }

    log('building the pre-aggregation from the facts (what the migration does)');
    const building = Date.now();
    await sql.transaction((tx) => rebuildFunnelAggregate(tx));
    await sql.query(`ANALYZE an_funnel_visitor_days; ANALYZE an_funnel_days`);
    const [{ visitorDays }] = await sql.query(
      `SELECT count(*)::int AS "visitorDays" FROM an_funnel_visitor_days`,
    );
    const [{ dayRows }] = await sql.query(`SELECT count(*)::int AS "dayRows" FROM an_funnel_days`);
    console.log(
      `pre-aggregation: ${visitorDays} visited visitor-days, ${dayRows} day x channel rows, built in ${((Date.now() - building) / 1000).toFixed(1)} s`,
    );

    // The answers agree (on the last day: the query as it was may not finish over longer ranges).
    for (const channel of [undefined, 'app']) {
      const legacy = await sql.transaction(async (tx) => {
        await tx.query(`SET LOCAL statement_timeout = ${BEFORE_TIMEOUT_MS * 5}`);
        return legacyFunnel(tx, { from: TO, to: TO, channel });
      });
      const view = await queries.funnel({ from: TO, to: TO, channel });
      const legacySteps = FUNNEL_STEPS.map((_, i) => legacy.reduce((n, r) => n + r[`s${i + 1}` as 's1'], 0));
      const steps = view.steps.map((s) => s.visitors);
      if (JSON.stringify(legacySteps) !== JSON.stringify(steps)) {
        throw new Error(`the funnels differ (${channel ?? 'all'}): ${legacySteps} before, ${steps} after`);
      }
      log(`same answer before and after on ${TO}, ${channel ?? 'all channels'}: ${steps.join(' > ')}`);
    }

    log('after: the funnel read from the pre-aggregation');
    const after = {
      year: await timed('after   year, all channels', RUNS, () => queries.funnel({ from: FROM, to: TO })),
      yearChannel: await timed('after   year, channel=app', RUNS, () =>
        queries.funnel({ from: FROM, to: TO, channel: 'app' }),
      ),
      month: await timed('after   30 days, channel=app', RUNS, () =>
        queries.funnel({ from: MONTH_AGO, to: TO, channel: 'app' }),
      ),
    };

    log(`after, with ${PENDING} behaviour events of the last day not folded yet`);
    await writePending(sql, TO, PENDING);
    const pending = {
      yearChannel: await timed(`after   year, channel=app, ${PENDING} pending`, RUNS, () =>
        queries.funnel({ from: FROM, to: TO, channel: 'app' }),
      ),
    };
    await foldFunnel(sql);

    log('the projector side: a batch of 100 behaviour events written, then folded after its commit');
    const fold = await timed('fold of a 100-event batch', 50, async () => {
      await writePending(sql, TO, 100);
      await foldFunnel(sql);
    });

    console.log(JSON.stringify({ rows, visitorDays, dayRows, before, after, pending, fold }));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
