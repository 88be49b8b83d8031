import type { SqlExecutor } from '@ecom/event-sourcing';
import { FUNNEL_STEPS } from './funnel.domain';

/**
 * The funnel pre-aggregated per day and first-touch channel (docs/analytics.md), so a query over a
 * year reads a few thousand rows instead of every behaviour event:
 *
 * - `an_funnel_visitor_days`: per visited visitor-day its first-touch channel and how many funnel
 *   steps it reached in order (1..5), derived from the facts in an_visitor_events;
 * - `an_funnel_days`: per day and channel, the visitor-days that reached each step (s1..s5), i.e.
 *   the sum of the rows above (rows with no visitor are deleted);
 * - `an_funnel_pending`: the visitor events not folded into the two yet, written by the projector
 *   with the event in the consumer batch's transaction (so exactly once with the batch).
 *
 * The projector folds the pending events (`foldFunnel`) at most once a second while batches bring
 * behaviour facts: under one lock, it recomputes the visitor-days they touch from the facts and
 * moves the day counts by the difference. Folds never run inside a batch transaction, so batches of
 * several partitions never wait for each other on the shared day rows; a fold that did not run (a
 * crash before it) is made up by the next one. The query adds the pending visitor-days' difference
 * itself (`funnelDayRows`), so answers are exact whether or not the fold ran yet.
 */

/** The funnel's behaviour steps (an_visitor_events.step), in order. */
export const FUNNEL_STEP_SET: ReadonlySet<string> = new Set(FUNNEL_STEPS.map((s) => s.step));

/** Advisory lock (two-key space: never meets the single-key locks) that serialises the folds. */
const FOLD_LOCK = [0x616e, 0x66756e] as const;

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const reachedAtLeast = (column: string, sign = '') =>
  FUNNEL_STEPS.map((_, i) => `${sign}(${column} >= ${i + 1})::int AS s${i + 1}`).join(', ');

/**
 * SELECT of the funnel state of the visitor-days in `keys` (a relation with day, visitor_id, each
 * once): first-touch channel (the channel of the earliest event that carries one, ties by event id)
 * and the steps reached, each the earliest event of its step at or after the previous step's time.
 */
export function visitorDayStateSql(keys: string): string {
  const steps = FUNNEL_STEPS.map((s, i) => {
    const after = i === 0 ? '' : ` AND e.occurred_at >= t${i}.t`;
    return `CROSS JOIN LATERAL (SELECT min(e.occurred_at) AS t FROM an_visitor_events e
        WHERE e.day = k.day AND e.step = ${literal(s.step)} AND e.visitor_id = k.visitor_id${after}) t${i + 1}`;
  });
  const reached = FUNNEL_STEPS.map((_, i) => `(t${i + 1}.t IS NOT NULL)::int`).join(' + ');
  return `SELECT k.day, k.visitor_id, touch.channel, (${reached}) AS reached
      FROM ${keys} k
      LEFT JOIN LATERAL (SELECT e.channel FROM an_visitor_events e
         WHERE e.day = k.day AND e.visitor_id = k.visitor_id AND e.channel IS NOT NULL
         ORDER BY e.occurred_at, e.event_id LIMIT 1) touch ON true
      ${steps.join('\n      ')}`;
}

/**
 * CTEs and final statement that bring an_funnel_visitor_days and an_funnel_days up to date for the
 * visitor-days in the CTE `keys` (defined by the caller before): recompute, write the changed
 * visitor-days, move the day counts by the difference. Only one may run at a time (FOLD_LOCK).
 */
function applyKeysSql(): string {
  const diff = FUNNEL_STEPS.map((_, i) => `sum(sign * (reached >= ${i + 1})::int) AS s${i + 1}`).join(', ');
  const columns = FUNNEL_STEPS.map((_, i) => `s${i + 1}`);
  return `fresh AS (${visitorDayStateSql('keys')}),
    old AS (
      SELECT v.day, v.visitor_id, v.channel, v.reached FROM an_funnel_visitor_days v JOIN keys USING (day, visitor_id)
    ), changed AS (
      SELECT f.day, f.visitor_id, f.channel, f.reached FROM fresh f LEFT JOIN old o USING (day, visitor_id)
       WHERE f.reached > 0 AND (o.reached IS NULL OR o.reached <> f.reached OR o.channel IS DISTINCT FROM f.channel)
    ), written AS (
      INSERT INTO an_funnel_visitor_days (day, visitor_id, channel, reached)
      SELECT day, visitor_id, channel, reached FROM changed
      ON CONFLICT (day, visitor_id) DO UPDATE SET channel = excluded.channel, reached = excluded.reached
    ), moves AS (
      SELECT day, channel, reached, 1 AS sign FROM changed
      UNION ALL
      SELECT o.day, o.channel, o.reached, -1 FROM changed c JOIN old o USING (day, visitor_id)
    ), diff AS (
      SELECT day, channel, ${diff} FROM moves GROUP BY day, channel
    )
    INSERT INTO an_funnel_days (day, channel, ${columns.join(', ')})
    SELECT day, channel, ${columns.join(', ')} FROM diff WHERE ${columns.map((c) => `${c} <> 0`).join(' OR ')}
     ORDER BY day, channel
    ON CONFLICT (day, channel) DO UPDATE SET ${columns.map((c) => `${c} = an_funnel_days.${c} + excluded.${c}`).join(', ')}`;
}

/**
 * One round trip, one transaction (several statements in one simple query run as one implicit
 * transaction, each statement on a fresh snapshot): take the fold lock, fold every pending visitor
 * event, drop day rows left without visitors.
 */
const FOLD_SQL = `SELECT pg_advisory_xact_lock(${FOLD_LOCK[0]}, ${FOLD_LOCK[1]});
  WITH claimed AS (DELETE FROM an_funnel_pending RETURNING day, visitor_id),
    keys AS (SELECT DISTINCT day, visitor_id FROM claimed),
    ${applyKeysSql()};
  DELETE FROM an_funnel_days WHERE s1 = 0`;

/** Folds the pending visitor events into the aggregate (see the top of this file). Idempotent. */
export async function foldFunnel(sql: SqlExecutor): Promise<void> {
  await sql.query(FOLD_SQL);
}

/** Builds the aggregate from every fact (a migration over existing facts, benchmarks); nothing pending after. */
export async function rebuildFunnelAggregate(sql: SqlExecutor): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock(${FOLD_LOCK[0]}, ${FOLD_LOCK[1]});
    TRUNCATE an_funnel_pending, an_funnel_visitor_days, an_funnel_days;
    WITH keys AS (SELECT DISTINCT day, visitor_id FROM an_visitor_events WHERE step = ${literal(FUNNEL_STEPS[0].step)}),
      ${applyKeysSql()}`);
}

const STEP_COLUMNS = FUNNEL_STEPS.map((_, i) => `s${i + 1}`);

/**
 * CTE `facts` (day, channel, s1..s5) of the funnel between $1 and $2 (dates), only channel $3 when
 * not null: the day counts plus, for the visitor-days with pending events, their recomputed state
 * minus what the day counts hold for them. Read in one statement, so one snapshot: a fold commits
 * atomically, and the sums per day and channel are exact whether it ran or not.
 */
const FACTS_CTE = `WITH keys AS (
      SELECT DISTINCT day, visitor_id FROM an_funnel_pending WHERE day BETWEEN $1::date AND $2::date
    ), fresh AS (${visitorDayStateSql('keys')}),
    facts AS (
      SELECT day, channel, ${STEP_COLUMNS.join(', ')} FROM an_funnel_days
       WHERE day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR channel = $3::text)
      UNION ALL
      SELECT day, channel, ${reachedAtLeast('reached')} FROM fresh
       WHERE reached > 0 AND ($3::text IS NULL OR channel = $3::text)
      UNION ALL
      SELECT v.day, v.channel, ${reachedAtLeast('v.reached', '-')}
        FROM an_funnel_visitor_days v JOIN keys USING (day, visitor_id)
       WHERE $3::text IS NULL OR v.channel = $3::text
    )`;
const SUMS = STEP_COLUMNS.map((c) => `sum(${c})::int AS ${c}`).join(', ');

/** Rows per day and first-touch channel (only those with visitors). */
const DAY_ROWS_SQL = `${FACTS_CTE}
    SELECT day::text AS day, channel, ${SUMS} FROM facts
     GROUP BY day, channel HAVING sum(s1) > 0 ORDER BY day, channel`;

/** The same summed per day (channel null) and per channel (day null): what the funnel view needs, in few rows. */
const DAY_AND_CHANNEL_SUMS_SQL = `${FACTS_CTE}
    SELECT day::text AS day, channel, GROUPING(day) = 1 AS "perChannel", ${SUMS} FROM facts
     GROUP BY GROUPING SETS ((day), (channel)) HAVING sum(s1) > 0`;

export interface FunnelDayRow {
  day: string;
  channel: string | null;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
}

/** The funnel's rows per day and first-touch channel, as queries answer them (pending events included). */
export function funnelDayRows(
  sql: SqlExecutor,
  options: { from: string; to: string; channel?: string | null },
): Promise<FunnelDayRow[]> {
  return sql.query(DAY_ROWS_SQL, [options.from, options.to, options.channel ?? null]);
}

export interface FunnelSumsRow extends Omit<FunnelDayRow, 'day'> {
  day: string | null;
  /** true: the sum over the days of `channel`; false: the sum over the channels of `day`. */
  perChannel: boolean;
}

/** The funnel summed per day and per first-touch channel (pending events included): see funnelDayRows. */
export function funnelSums(
  sql: SqlExecutor,
  options: { from: string; to: string; channel?: string | null },
): Promise<FunnelSumsRow[]> {
  return sql.query(DAY_AND_CHANNEL_SUMS_SQL, [options.from, options.to, options.channel ?? null]);
}
