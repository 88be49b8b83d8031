import type { SqlExecutor } from '@ecom/event-sourcing';
import type { DataSource, QueryRunner } from 'typeorm';
import { addDays, dayOf, daysBetween } from '../calendar';
import { bumpFactsVersion } from '../facts-version';
import type { RfmSettings } from '../settings';
import {
  CutPoints,
  dayNumber,
  isCutPoints,
  quintileCutPoints,
  RfmCutPoints,
  RfmRaw,
  RfmScored,
  scoreMember,
  ValueCount,
} from './rfm.domain';

/**
 * Serialises recomputations (scheduled on any replica, or on demand from the API). Keys 7_310_0xx are
 * the platform's advisory locks: 7_310_071 is the projector's (runner/projector-generation.ts).
 */
const RFM_LOCK_KEY = 7_310_070;
/** Live scoring holds it shared until its commit; a recomputation takes it briefly to publish new cut points. */
const RFM_CUTS_LOCK_KEY = 7_310_073;
/** Two-key advisory locks (class, bucket) that serialise the live scoring of a member across batches. */
const RFM_MEMBER_LOCK_CLASS = 7_310_074;
const MEMBER_LOCK_BUCKETS = 4096;
/** Members rescored per transaction of a recomputation: each holds its rows' locks only briefly. */
const RECOMPUTE_CHUNK = 10_000;

export type RfmComputeSettings = Pick<RfmSettings, 'windowDays' | 'sleepingDays' | 'frequencyThresholds'> & {
  timeZone: string;
  currency: string;
};

export interface RfmRunSummary {
  asOf: string;
  asOfDay: string;
  members: number;
  durationMs: number;
}

export interface RawRfmRow extends RfmRaw {
  lastPaidAt: Date;
  /** Order and refund facts of the member (all time): grows with every fact, orders the row's versions. */
  factCount: number;
}

interface RawRow {
  member_id: string;
  last_paid_day: string | null;
  last_paid_at: Date | null;
  frequency: number;
  monetary: string;
  fact_count: number;
}

/**
 * Raw recency / frequency / monetary from the order and refund facts as of the day $1 (window $2
 * days, monetary in currency $3), of the members whose ids are $4 (text[]) or of every member with a
 * paid order (`all`):
 *  - last paid day and instant over every paid order on or before the as-of day;
 *  - frequency: orders paid 0..windowDays-1 days before the as-of day and not refunded in full;
 *  - monetary: what was paid in `currency` on those orders minus what was refunded on them, whenever;
 *  - fact_count: the member's paid orders and refunds, all of them (it only grows).
 * A member without a paid order on or before the as-of day comes back with a null last paid day.
 * Some members' orders and refunds are read through their member indexes (`= ANY` of the ids), so
 * the cost follows the members asked for, not the size of the tables.
 */
function rawRfmSql(members: 'ids' | 'all'): string {
  const only = members === 'ids' ? 'WHERE member_id = ANY($4::text[])' : '';
  // Each relation is read once (no CTE materialised twice): orders with their refunded amounts,
  // aggregated per member; refunds counted per member on the side.
  return `WITH refunded AS (SELECT order_id, sum(amount) AS refunded FROM an_refunds ${only} GROUP BY order_id),
       refunds AS (SELECT member_id, count(*) AS n FROM an_refunds ${only} GROUP BY member_id),
       agg AS (
         SELECT o.member_id, count(*) AS orders,
                max(o.day) FILTER (WHERE o.day <= $1::date) AS last_paid_day,
                max(o.paid_at) FILTER (WHERE o.day <= $1::date) AS last_paid_at,
                count(*) FILTER (WHERE o.day <= $1::date AND $1::date - o.day < $2
                                   AND (r.refunded IS NULL OR r.refunded < o.amount)) AS frequency,
                sum(o.amount - coalesce(r.refunded, 0))
                  FILTER (WHERE o.day <= $1::date AND $1::date - o.day < $2 AND o.currency = $3) AS monetary
           FROM (SELECT member_id, order_id, day, paid_at, amount, currency FROM an_orders_paid ${only}) o
           LEFT JOIN refunded r USING (order_id)
          GROUP BY o.member_id)
     SELECT ${members === 'ids' ? 'm' : 'a'}.member_id,
            a.last_paid_day${members === 'ids' ? '::text' : ''} AS last_paid_day, a.last_paid_at,
            coalesce(a.frequency, 0)::int AS frequency, coalesce(a.monetary, 0)::bigint AS monetary,
            (coalesce(a.orders, 0) + coalesce(f.n, 0))::int AS fact_count
       FROM ${
         members === 'ids'
           ? '(SELECT DISTINCT unnest($4::text[]) AS member_id) m LEFT JOIN agg a USING (member_id)'
           : 'agg a'
       }
       LEFT JOIN refunds f ON f.member_id = ${members === 'ids' ? 'm' : 'a'}.member_id
      ${members === 'ids' ? 'ORDER BY m.member_id' : ''}`;
}

function toRaw(row: RawRow, asOfDay: string): RawRfmRow | undefined {
  if (row.last_paid_day === null || row.last_paid_at === null) return undefined;
  return {
    memberId: row.member_id,
    lastPaidDay: row.last_paid_day,
    recencyDays: daysBetween(row.last_paid_day, asOfDay),
    frequency: row.frequency,
    monetary: Number(row.monetary),
    lastPaidAt: row.last_paid_at,
    factCount: row.fact_count,
  };
}

/** Raw RFM of some members as of a day (members without a paid order by then are left out). */
export async function rawRfm(
  sql: SqlExecutor,
  asOfDay: string,
  settings: { windowDays: number; currency: string },
  memberIds: readonly string[],
): Promise<RawRfmRow[]> {
  if (memberIds.length === 0) return [];
  const rows: RawRow[] = await sql.query(rawRfmSql('ids'), [
    asOfDay,
    settings.windowDays,
    settings.currency,
    memberIds,
  ]);
  return rows.flatMap((row) => toRaw(row, asOfDay) ?? []);
}

const SCORE_COLUMNS = [
  'member_id',
  'last_paid_day',
  'frequency',
  'monetary',
  'r',
  'f',
  'm',
  'segment',
  'segment_code',
  'sleeping',
  'last_paid_at',
  'fact_count',
] as const;
const SCORE_TYPES = [
  'text',
  'date',
  'int',
  'bigint',
  'smallint',
  'smallint',
  'smallint',
  'text',
  'text',
  'boolean',
  'timestamptz',
  'int',
];
/** What a rewrite compares: as_of alone changing is no reason to write a row. */
const COMPARED = SCORE_COLUMNS.filter((c) => c !== 'member_id');

/**
 * Writes scored rows, in member order (row locks in one order across writers), unless the row holds
 * a computation from more facts (a batch that committed after these values were read) or already
 * says the same. Returns how many rows were written.
 */
async function writeScores(
  sql: SqlExecutor,
  scored: readonly (RfmScored & RawRfmRow)[],
  asOf: Date,
): Promise<number> {
  if (scored.length === 0) return 0;
  const sorted = [...scored].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const columns: unknown[][] = [
    sorted.map((s) => s.memberId),
    sorted.map((s) => s.lastPaidDay),
    sorted.map((s) => s.frequency),
    sorted.map((s) => s.monetary),
    sorted.map((s) => s.r),
    sorted.map((s) => s.f),
    sorted.map((s) => s.m),
    sorted.map((s) => s.segment),
    sorted.map((s) => s.segmentCode),
    sorted.map((s) => s.sleeping),
    sorted.map((s) => s.lastPaidAt),
    sorted.map((s) => s.factCount),
  ];
  const rows: unknown[] = await sql.query(
    `INSERT INTO an_rfm_scores (${SCORE_COLUMNS.join(', ')}, as_of)
     SELECT *, $${columns.length + 1}::timestamptz FROM unnest(${SCORE_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
     ON CONFLICT (member_id) DO UPDATE SET ${[...COMPARED, 'as_of'].map((c) => `${c} = excluded.${c}`).join(', ')}
     WHERE an_rfm_scores.fact_count <= excluded.fact_count
       AND (${COMPARED.map((c) => `an_rfm_scores.${c}`).join(', ')}) IS DISTINCT FROM (${COMPARED.map((c) => `excluded.${c}`).join(', ')})
     RETURNING member_id`,
    [...columns, asOf],
  );
  return rows.length;
}

/** The cut points of the last recomputation; null before the first one with members. */
export async function latestCutPoints(sql: SqlExecutor): Promise<RfmCutPoints | null> {
  const [run] = await sql.query(
    `SELECT recency_cuts::text[] AS recency, frequency_cuts AS frequency, monetary_cuts::text[] AS monetary
       FROM an_rfm_runs ORDER BY id DESC LIMIT 1`,
  );
  if (!run?.recency || !run.frequency || !run.monetary) return null;
  const cuts = {
    recency: (run.recency as string[]).map(dayNumber),
    frequency: (run.frequency as number[]).map(Number),
    monetary: (run.monetary as string[]).map(Number),
  };
  if (!isCutPoints(cuts.recency) || !isCutPoints(cuts.frequency) || !isCutPoints(cuts.monetary)) return null;
  return { recency: cuts.recency, frequency: cuts.frequency, monetary: cuts.monetary };
}

/** FNV-1a: a member's lock bucket, the same in every process. */
function bucketOf(memberId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < memberId.length; i++) {
    hash ^= memberId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % MEMBER_LOCK_BUCKETS;
}

/**
 * Live RFM, in the projector's batch transaction after the batch wrote its order and refund facts:
 * rescores the members those facts belong to against the cut points of the last recomputation, so
 * their rows carry the batch's facts when it commits. The members' lock buckets are taken in one
 * order (two batches of the same member wait, never deadlock) before their facts are read, so a
 * batch sees what an earlier batch of the same member committed. Before the first recomputation
 * there are no cut points and nothing is written (the API answers raw values). Returns the rows written.
 */
export async function scoreMembersLive(
  sql: SqlExecutor,
  memberIds: Iterable<string>,
  asOf: Date,
  settings: RfmComputeSettings,
): Promise<number> {
  const ids = [...new Set(memberIds)].sort();
  if (ids.length === 0) return 0;
  // Shared: a recomputation publishing new cut points waits for this commit, or this batch for it.
  await sql.query(`SELECT pg_advisory_xact_lock_shared($1)`, [RFM_CUTS_LOCK_KEY]);
  const cuts = await latestCutPoints(sql);
  if (!cuts) return 0;
  const buckets = [...new Set(ids.map(bucketOf))].sort((a, b) => a - b);
  await sql.query(
    `SELECT count(pg_advisory_xact_lock($1, b)) FROM (SELECT unnest($2::int[]) AS b ORDER BY 1) ordered`,
    [RFM_MEMBER_LOCK_CLASS, buckets],
  );
  const asOfDay = dayOf(asOf, settings.timeZone);
  const raw = await rawRfm(sql, asOfDay, settings, ids);
  const written = await writeScores(
    sql,
    raw.map((member) => scoreMember(member, cuts, settings.sleepingDays)),
    asOf,
  );
  // A member with no paid order by the as-of day (only possible when the clock is behind the facts) has no row.
  const scoredIds = new Set(raw.map((r) => r.memberId));
  const unscored = ids.filter((id) => !scoredIds.has(id));
  if (unscored.length > 0)
    await sql.query(`DELETE FROM an_rfm_scores WHERE member_id = ANY($1::text[])`, [unscored]);
  return written;
}

const EPOCH = '1970-01-01';

/** Every member's raw values as of the as-of day, kept by a recomputation for its passes. */
const RAW_TABLE = 'rfm_recompute_raw';

/** Histograms of the members' recency (day number of the last payment) and monetary, from the raw table. */
async function histograms(
  sql: SqlExecutor,
): Promise<{ recency: ValueCount[]; monetary: ValueCount[]; members: number }> {
  const rows: { dimension: 'r' | 'm'; value: string; count: number }[] = await sql.query(
    `SELECT 'r' AS dimension, (last_paid_day - DATE '1970-01-01')::text AS value, count(*)::int AS count
       FROM ${RAW_TABLE} WHERE last_paid_day IS NOT NULL GROUP BY last_paid_day
     UNION ALL
     SELECT 'm', monetary::text, count(*)::int FROM ${RAW_TABLE} WHERE last_paid_day IS NOT NULL GROUP BY monetary`,
  );
  const recency: ValueCount[] = [];
  const monetary: ValueCount[] = [];
  for (const row of rows) {
    (row.dimension === 'r' ? recency : monetary).push({ value: Number(row.value), count: row.count });
  }
  return { recency, monetary, members: recency.reduce((sum, b) => sum + b.count, 0) };
}

type StoredRow = Record<(typeof SCORE_COLUMNS)[number], unknown>;
const STORED_COLUMNS = SCORE_COLUMNS.map((c) =>
  c === 'last_paid_day' ? `s.${c}::text AS stored_${c}` : `s.${c} AS stored_${c}`,
).join(', ');

function storedOf(row: Record<string, unknown>): StoredRow | undefined {
  if (row.stored_member_id === null || row.stored_member_id === undefined) return undefined;
  return Object.fromEntries(SCORE_COLUMNS.map((c) => [c, row[`stored_${c}`]])) as StoredRow;
}

/** A stored row's raw values, as of a day (for rescoring it against new cut points). */
function rawOfStored(stored: StoredRow, asOfDay: string): RawRfmRow {
  return {
    memberId: stored.member_id as string,
    lastPaidDay: stored.last_paid_day as string,
    recencyDays: daysBetween(stored.last_paid_day as string, asOfDay),
    frequency: stored.frequency as number,
    monetary: Number(stored.monetary),
    lastPaidAt: stored.last_paid_at as Date,
    factCount: stored.fact_count as number,
  };
}

/** The stored row says the same as a freshly scored member (as_of aside). */
function sameRow(stored: StoredRow, scored: RfmScored & RawRfmRow): boolean {
  return (
    stored.last_paid_day === scored.lastPaidDay &&
    stored.frequency === scored.frequency &&
    Number(stored.monetary) === scored.monetary &&
    stored.r === scored.r &&
    stored.f === scored.f &&
    stored.m === scored.m &&
    stored.segment === scored.segment &&
    stored.segment_code === scored.segmentCode &&
    stored.sleeping === scored.sleeping &&
    (stored.last_paid_at as Date).getTime() === scored.lastPaidAt.getTime() &&
    stored.fact_count === scored.factCount
  );
}

/**
 * One page of a recomputation: each member's raw values as read at its start, next to its stored
 * row. A stored row computed from more facts (a batch since that read) is rescored from its own
 * values; a member without a paid order by the as-of day loses its row. Only rows that change are
 * written (an unchanged row is neither written nor locked), in one short transaction, never over a
 * row computed from more facts. Returns whether anything changed.
 */
async function rewritePage(
  runner: QueryRunner,
  page: readonly { raw?: RawRow; stored?: StoredRow }[],
  asOfDay: string,
  asOf: Date,
  cuts: RfmCutPoints | null,
  settings: RfmComputeSettings,
): Promise<boolean> {
  const changed: (RfmScored & RawRfmRow)[] = [];
  const gone: { memberId: string; factCount: number }[] = [];
  for (const { raw, stored } of page) {
    const fresher = stored && (!raw || (stored.fact_count as number) > raw.fact_count);
    const member = fresher ? rawOfStored(stored, asOfDay) : raw && toRaw(raw, asOfDay);
    if (!member) {
      if (stored && raw) gone.push({ memberId: raw.member_id, factCount: raw.fact_count });
      continue;
    }
    if (!cuts) continue;
    const scored = scoreMember(member, cuts, settings.sleepingDays);
    if (!stored || !sameRow(stored, scored)) changed.push(scored);
  }
  if (changed.length === 0 && gone.length === 0) return false;
  await runner.startTransaction();
  try {
    await writeScores(runner, changed, asOf);
    if (gone.length > 0) {
      await runner.query(
        `DELETE FROM an_rfm_scores s USING unnest($1::text[], $2::int[]) AS u(member_id, fact_count)
          WHERE s.member_id = u.member_id AND s.fact_count <= u.fact_count`,
        [gone.map((g) => g.memberId), gone.map((g) => g.factCount)],
      );
    }
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
  return true;
}

/**
 * The full RFM recomputation as of an instant, under a lock that serialises recomputations:
 *  1. every member's raw values as of the as-of day, read once into a table of the session, and the
 *     cut points from their histograms;
 *  2. a new run with those cut points, inserted under the cut points lock (held exclusively for that
 *     insert only): a batch scoring at that moment commits first, later batches use the new ones;
 *  3. every member rescored, RECOMPUTE_CHUNK at a time in member order, next to its stored row (see
 *     rewritePage): a row a batch wrote since step 1 is rescored from its own, fresher values; then
 *     the rows of members first seen since step 1 likewise. Readers see each row scored against the
 *     previous cut points or these, never a half-written run.
 * The read models' version advances after each commit that changed rows, so cached answers go.
 */
export async function recomputeRfm(
  dataSource: DataSource,
  asOf: Date,
  settings: RfmComputeSettings,
  onProgress?: (done: number, total: number) => void,
): Promise<RfmRunSummary> {
  const started = Date.now();
  const asOfDay = dayOf(asOf, settings.timeZone);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock($1)`, [RFM_LOCK_KEY]);
    try {
      await runner.query(`DROP TABLE IF EXISTS pg_temp.${RAW_TABLE}`);
      await runner.query(
        `CREATE TEMP TABLE ${RAW_TABLE} (member_id text, last_paid_day date, last_paid_at timestamptz,
           frequency integer, monetary bigint, fact_count integer)`,
      );
      await runner.query(`INSERT INTO ${RAW_TABLE} ${rawRfmSql('all')}`, [
        asOfDay,
        settings.windowDays,
        settings.currency,
      ]);
      await runner.query(`ALTER TABLE ${RAW_TABLE} ADD PRIMARY KEY (member_id)`);
      await runner.query(`ANALYZE ${RAW_TABLE}`);
      const { recency, monetary, members } = await histograms(runner);
      const recencyCuts = quintileCutPoints(recency);
      const monetaryCuts = quintileCutPoints(monetary);
      const cuts: RfmCutPoints | null =
        recencyCuts && monetaryCuts
          ? {
              recency: recencyCuts,
              frequency: settings.frequencyThresholds as CutPoints,
              monetary: monetaryCuts,
            }
          : null;

      await runner.startTransaction();
      try {
        await runner.query(`SELECT pg_advisory_xact_lock($1)`, [RFM_CUTS_LOCK_KEY]);
        const [run] = await runner.query(
          `INSERT INTO an_rfm_runs (as_of, as_of_day, members, duration_ms, recency_cuts, frequency_cuts, monetary_cuts)
           VALUES ($1, $2, $3, 0, $4::date[], $5::int[], $6::bigint[]) RETURNING id`,
          [
            asOf,
            asOfDay,
            members,
            cuts ? cuts.recency.map((n) => addDays(EPOCH, n)) : null,
            cuts ? [...cuts.frequency] : null,
            cuts ? cuts.monetary.map(String) : null,
          ],
        );
        await runner.commitTransaction();
        await bumpFactsVersion(runner);

        let done = 0;
        let after = '';
        for (;;) {
          const rows: Record<string, unknown>[] = await runner.query(
            `SELECT t.member_id, t.last_paid_day::text AS last_paid_day, t.last_paid_at, t.frequency, t.monetary,
                    t.fact_count, ${STORED_COLUMNS}
               FROM ${RAW_TABLE} t
               -- The bound on s too: both index scans start at the page, not at the first member.
               LEFT JOIN an_rfm_scores s ON s.member_id = t.member_id AND s.member_id > $1
              WHERE t.member_id > $1 ORDER BY t.member_id LIMIT $2`,
            [after, RECOMPUTE_CHUNK],
          );
          const page = rows.map((row) => ({ raw: row as unknown as RawRow, stored: storedOf(row) }));
          if (page.length > 0 && (await rewritePage(runner, page, asOfDay, asOf, cuts, settings))) {
            await bumpFactsVersion(runner);
          }
          done += page.length;
          onProgress?.(Math.min(done, members), members);
          if (page.length < RECOMPUTE_CHUNK) break;
          after = rows[rows.length - 1].member_id as string;
        }
        // Members whose first payment came after step 1: their rows, from their own values.
        const newcomers: Record<string, unknown>[] = await runner.query(
          `SELECT ${STORED_COLUMNS} FROM an_rfm_scores s
            WHERE NOT EXISTS (SELECT 1 FROM ${RAW_TABLE} t WHERE t.member_id = s.member_id)`,
        );
        for (let i = 0; i < newcomers.length; i += RECOMPUTE_CHUNK) {
          const page = newcomers.slice(i, i + RECOMPUTE_CHUNK).map((row) => ({ stored: storedOf(row) }));
          if (await rewritePage(runner, page, asOfDay, asOf, cuts, settings)) await bumpFactsVersion(runner);
        }

        const durationMs = Date.now() - started;
        await runner.query(`UPDATE an_rfm_runs SET duration_ms = $2, completed_at = now() WHERE id = $1`, [
          run.id,
          durationMs,
        ]);
        return { asOf: asOf.toISOString(), asOfDay, members, durationMs };
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        throw error;
      }
    } finally {
      await runner.query(`DROP TABLE IF EXISTS pg_temp.${RAW_TABLE}`);
      await runner.query(`SELECT pg_advisory_unlock($1)`, [RFM_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
