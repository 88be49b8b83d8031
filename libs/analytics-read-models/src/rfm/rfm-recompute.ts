import { chunk, SqlExecutor, valuePlaceholders } from '@ecom/event-sourcing';
import type { DataSource } from 'typeorm';
import type { RfmSettings } from '../settings';
import { dayOf } from '../time';
import { RfmRaw, scoreRfm } from './rfm.domain';

/** Serialises recomputations (scheduled on any replica, or on demand from the API). */
const RFM_LOCK_KEY = 7_310_070;

export interface RfmRunSummary {
  asOf: string;
  asOfDay: string;
  members: number;
  durationMs: number;
}

export interface RawRfmRow extends RfmRaw {
  lastPaidAt: Date;
}

interface RawRow {
  member_id: string;
  recency_days: number;
  frequency: number;
  monetary: string;
  last_paid_at: Date;
}

/**
 * Raw recency / frequency / monetary of every member with a paid order on or before the as-of day
 * (or of one member), from the order and refund facts: an order counts for frequency and monetary
 * when paid 0..windowDays-1 days before the as-of day; monetary is the amount paid in `currency` on
 * those orders minus what was refunded on them (whenever refunded), so the order facts and refund
 * facts can arrive in any order.
 */
export async function rawRfm(
  sql: SqlExecutor,
  asOfDay: string,
  settings: { windowDays: number; currency: string },
  memberId?: string,
): Promise<RawRfmRow[]> {
  const rows: RawRow[] = await sql.query(
    `SELECT p.member_id,
            ($1::date - max(p.day))::int AS recency_days,
            (count(*) FILTER (WHERE $1::date - p.day < $2))::int AS frequency,
            coalesce(sum(p.amount - coalesce(r.refunded, 0)) FILTER (WHERE $1::date - p.day < $2 AND p.currency = $3), 0)::bigint AS monetary,
            max(p.paid_at) AS last_paid_at
       FROM an_orders_paid p
       LEFT JOIN (SELECT order_id, sum(amount) AS refunded FROM an_refunds GROUP BY order_id) r USING (order_id)
      WHERE p.day <= $1::date AND ($4::text IS NULL OR p.member_id = $4)
      GROUP BY p.member_id
      ORDER BY p.member_id`,
    [asOfDay, settings.windowDays, settings.currency, memberId ?? null],
  );
  return rows.map((row) => ({
    memberId: row.member_id,
    recencyDays: row.recency_days,
    frequency: row.frequency,
    monetary: Number(row.monetary),
    lastPaidAt: row.last_paid_at,
  }));
}

const SCORE_COLUMNS = 11;

/**
 * Recomputes every member's RFM scores as of an instant, in one transaction under a lock: the table
 * is replaced as a whole, so readers see either the previous run or this one.
 */
export async function recomputeRfm(
  dataSource: DataSource,
  asOf: Date,
  settings: RfmSettings & { timeZone: string; currency: string },
): Promise<RfmRunSummary> {
  const started = Date.now();
  const asOfDay = dayOf(asOf, settings.timeZone);
  return dataSource.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [RFM_LOCK_KEY]);
    const raw = await rawRfm(tx, asOfDay, settings);
    const lastPaid = new Map(raw.map((r) => [r.memberId, r.lastPaidAt]));
    const scored = scoreRfm(raw, settings.sleepingDays);
    await tx.query(`DELETE FROM an_rfm_scores`);
    for (const rows of chunk(scored, 1000)) {
      await tx.query(
        `INSERT INTO an_rfm_scores (member_id, recency_days, frequency, monetary, r, f, m, segment, segment_code,
           sleeping, last_paid_at) VALUES ${valuePlaceholders(rows.length, SCORE_COLUMNS)}`,
        rows.flatMap((s) => [
          s.memberId,
          s.recencyDays,
          s.frequency,
          s.monetary,
          s.r,
          s.f,
          s.m,
          s.segment,
          s.segmentCode,
          s.sleeping,
          lastPaid.get(s.memberId),
        ]),
      );
    }
    const durationMs = Date.now() - started;
    await tx.query(
      `INSERT INTO an_rfm_runs (as_of, as_of_day, members, duration_ms) VALUES ($1, $2, $3, $4)`,
      [asOf, asOfDay, scored.length, durationMs],
    );
    return { asOf: asOf.toISOString(), asOfDay, members: scored.length, durationMs };
  });
}
