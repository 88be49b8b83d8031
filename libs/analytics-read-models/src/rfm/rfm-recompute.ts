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
const RECOMPUTE_CHUNK = 5000;

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
 * Raw recency / frequency / monetary of the members whose ids are $4 (text[]), from the order and
 * refund facts as of the day $1 (window $2 days, monetary in currency $3):
 *  - last paid day and instant over every paid order on or before the as-of day;
 *  - frequency: orders paid 0..windowDays-1 days before the as-of day and not refunded in full;
 *  - monetary: what was paid in `currency` on those orders minus what was refunded on them, whenever;
 *  - fact_count: the member's paid orders and refunds, all of them (it only grows).
 * A member without a paid order on or before the as-of day comes back with a null last paid day.
 * The members' orders and refunds are read through their member indexes (`= ANY` of the ids), so
 * the cost follows the members asked for, not the size of the tables.
 */
const RAW_RFM_SQL = `WITH o AS (SELECT member_id, order_id, day, paid_at, amount, currency
                                FROM an_orders_paid WHERE member_id = ANY($4::text[])),
       f AS (SELECT member_id, order_id, amount FROM an_refunds WHERE member_id = ANY($4::text[])),
       refunded AS (SELECT order_id, sum(amount) AS refunded FROM f GROUP BY order_id),
       facts AS (SELECT member_id, count(*) AS n
                   FROM (SELECT member_id FROM o UNION ALL SELECT member_id FROM f) x GROUP BY member_id),
       kept AS (SELECT o.*, (r.refunded IS NULL OR r.refunded < o.amount) AS kept,
                       o.amount - coalesce(r.refunded, 0) AS net, $1::date - o.day < $2 AS in_window
                  FROM o LEFT JOIN refunded r USING (order_id) WHERE o.day <= $1::date),
       agg AS (SELECT member_id, max(day) AS last_paid_day, max(paid_at) AS last_paid_at,
                      count(*) FILTER (WHERE in_window AND kept) AS frequency,
                      sum(net) FILTER (WHERE in_window AND currency = $3) AS monetary
                 FROM kept GROUP BY member_id)
     SELECT m.member_id, a.last_paid_day::text AS last_paid_day, a.last_paid_at,
            coalesce(a.frequency, 0)::int AS frequency, coalesce(a.monetary, 0)::bigint AS monetary,
            coalesce(facts.n, 0)::int AS fact_count
       FROM (SELECT DISTINCT unnest($4::text[]) AS member_id) m
       LEFT JOIN agg a USING (member_id) LEFT JOIN facts USING (member_id)
      ORDER BY m.member_id`;

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
  const rows: RawRow[] = await sql.query(RAW_RFM_SQL, [
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

/** Histograms of every member's recency (day number of the last payment) and monetary, as of a day. */
async function histograms(
  sql: SqlExecutor,
  asOfDay: string,
  settings: RfmComputeSettings,
): Promise<{ recency: ValueCount[]; monetary: ValueCount[]; members: number }> {
  const rows: { dimension: 'r' | 'm'; value: string; count: number }[] = await sql.query(
    `WITH raw AS (
       SELECT p.member_id, max(p.day) AS last_paid_day,
              coalesce(sum(p.amount - coalesce(r.refunded, 0)) FILTER (WHERE $1::date - p.day < $2 AND p.currency = $3), 0)
                AS monetary
         FROM an_orders_paid p
         LEFT JOIN (SELECT order_id, sum(amount) AS refunded FROM an_refunds GROUP BY order_id) r USING (order_id)
        WHERE p.day <= $1::date
        GROUP BY p.member_id)
     SELECT 'r' AS dimension, (last_paid_day - DATE '1970-01-01')::text AS value, count(*)::int AS count
       FROM raw GROUP BY last_paid_day
     UNION ALL
     SELECT 'm', monetary::text, count(*)::int FROM raw GROUP BY monetary`,
    [asOfDay, settings.windowDays, settings.currency],
  );
  const recency: ValueCount[] = [];
  const monetary: ValueCount[] = [];
  for (const row of rows)
    (row.dimension === 'r' ? recency : monetary).push({ value: Number(row.value), count: row.count });
  return { recency, monetary, members: recency.reduce((sum, b) => sum + b.count, 0) };
}

const EPOCH = '1970-01-01';

type StoredRow = Record<(typeof SCORE_COLUMNS)[number], unknown>;

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
 * Writes a recomputation's chunk: the rows that changed (compared first, so an unchanged row is
 * neither written nor locked), and deletes the rows of members of the chunk without a paid order by
 * the as-of day, in one short transaction. Returns whether anything changed.
 */
async function rewriteChunk(
  runner: QueryRunner,
  chunk: readonly RawRow[],
  asOfDay: string,
  asOf: Date,
  cuts: RfmCutPoints | null,
  settings: RfmComputeSettings,
): Promise<boolean> {
  const stored = new Map<string, StoredRow>(
    (
      await runner.query(
        `SELECT ${SCORE_COLUMNS.map((c) => (c === 'last_paid_day' ? `${c}::text AS ${c}` : c)).join(', ')}
           FROM an_rfm_scores WHERE member_id = ANY($1::text[])`,
        [chunk.map((row) => row.member_id)],
      )
    ).map((row: StoredRow) => [row.member_id as string, row]),
  );
  const scored = cuts
    ? chunk.flatMap((row) => {
        const raw = toRaw(row, asOfDay);
        return raw ? [scoreMember(raw, cuts, settings.sleepingDays)] : [];
      })
    : [];
  const changed = scored.filter((member) => {
    const row = stored.get(member.memberId);
    return !row || !sameRow(row, member);
  });
  // Members of this chunk with no paid order by the as-of day (the clock behind the facts): no row,
  // unless a batch wrote it from facts this chunk did not see.
  const unscored = chunk.filter((row) => row.last_paid_day === null && stored.has(row.member_id));
  if (changed.length === 0 && unscored.length === 0) return false;
  await runner.startTransaction();
  try {
    await writeScores(runner, changed, asOf);
    if (unscored.length > 0) {
      await runner.query(
        `DELETE FROM an_rfm_scores s USING unnest($1::text[], $2::int[]) AS u(member_id, fact_count)
          WHERE s.member_id = u.member_id AND s.fact_count <= u.fact_count`,
        [unscored.map((r) => r.member_id), unscored.map((r) => r.fact_count)],
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
 *  1. the cut points from every member's values as of the as-of day (one read, no lock on rows);
 *  2. a new run with those cut points, published under the cut-points lock: live scoring in the
 *     projector's batches uses them from then on (a batch scoring at that moment finishes first);
 *  3. every member rescored from fresh facts, RECOMPUTE_CHUNK members at a time: read without a
 *     transaction, compared with the stored rows, and only the changed rows written in a short
 *     transaction (a row a batch wrote from more facts meanwhile is left alone). Readers see each row
 *     scored against the previous cut points or these, never a half-written row.
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
      const { recency, monetary, members } = await histograms(runner, asOfDay, settings);
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
          // Read without a transaction (no lock held while reading); written in a short one below.
          const ids: string[] = (
            await runner.query(
              `SELECT DISTINCT member_id FROM an_orders_paid WHERE member_id > $1 ORDER BY member_id LIMIT $2`,
              [after, RECOMPUTE_CHUNK],
            )
          ).map((row: { member_id: string }) => row.member_id);
          const chunk: RawRow[] = ids.length
            ? await runner.query(RAW_RFM_SQL, [asOfDay, settings.windowDays, settings.currency, ids])
            : [];
          if (chunk.length > 0 && (await rewriteChunk(runner, chunk, asOfDay, asOf, cuts, settings))) {
            await bumpFactsVersion(runner);
          }
          done += ids.length;
          onProgress?.(Math.min(done, members), members);
          if (ids.length < RECOMPUTE_CHUNK) break;
          after = ids[ids.length - 1];
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
      await runner.query(`SELECT pg_advisory_unlock($1)`, [RFM_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
