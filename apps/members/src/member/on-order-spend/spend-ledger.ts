import type { SqlExecutor } from '@ecom/event-sourcing';

export interface SpendEntry {
  type: 'PAYMENT' | 'REFUND';
  /** paymentId or refundId: one entry each, whatever the number of deliveries. */
  entryId: string;
  memberId: string;
  orderId: string;
  amount: number;
  currency: string;
  occurredAt: string;
  eventId: string;
}

/** Which entry: a payment or a refund, by its id. */
export type SpendEntryKey = Pick<SpendEntry, 'type' | 'entryId'>;

/**
 * Payments and refunds of each member's orders (member_spend), kept so the 12-month net spend is
 * computed from facts, not from running totals: net spend at `now` = sum over orders paid within the
 * 12 months before `now` of max(0, paid - refunded). A refund counts with the order it refunds, on
 * the date that order was paid, so refunding an old order does not lower this year's spend.
 */
export const SpendLedger = {
  /** Records the entry; false when it was recorded before (redelivery, or one payment sent twice). */
  async record(tx: SqlExecutor, entry: SpendEntry): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO member_spend (entry_type, entry_id, member_id, order_id, amount, currency, spent_at, occurred_at, event_id)
       VALUES ($1, $2, $3, $4, $5, $6,
               CASE WHEN $1 = 'REFUND'
                    THEN COALESCE((SELECT spent_at FROM member_spend WHERE order_id = $4 AND entry_type = 'PAYMENT'), $7::timestamptz)
                    ELSE $7::timestamptz END,
               $7::timestamptz, $8)
       ON CONFLICT DO NOTHING RETURNING entry_id`,
      [
        entry.type,
        entry.entryId,
        entry.memberId,
        entry.orderId,
        Math.max(0, entry.amount),
        entry.currency,
        entry.occurredAt,
        entry.eventId,
      ],
    );
    return rows.length > 0;
  },

  /** Removes entries (of events refused after they were recorded). */
  async remove(tx: SqlExecutor, entries: readonly SpendEntryKey[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      `DELETE FROM member_spend s USING unnest($1::text[], $2::text[]) AS e(entry_type, entry_id)
       WHERE s.entry_type = e.entry_type AND s.entry_id = e.entry_id`,
      [entries.map((e) => e.type), entries.map((e) => e.entryId)],
    );
  },

  async orderTotals(sql: SqlExecutor, orderId: string): Promise<{ paid: number; refunded: number }> {
    const [row]: { paid: string; refunded: string }[] = await sql.query(
      `SELECT COALESCE(SUM(amount) FILTER (WHERE entry_type = 'PAYMENT'), 0) AS paid,
              COALESCE(SUM(amount) FILTER (WHERE entry_type = 'REFUND'), 0) AS refunded
         FROM member_spend WHERE order_id = $1`,
      [orderId],
    );
    return { paid: Number(row.paid), refunded: Number(row.refunded) };
  },

  async netSpend12m(sql: SqlExecutor, memberId: string, now: Date): Promise<number> {
    const [row]: { net: string }[] = await sql.query(
      `SELECT COALESCE(SUM(GREATEST(net, 0)), 0) AS net FROM (
         SELECT order_id, SUM(CASE WHEN entry_type = 'PAYMENT' THEN amount ELSE -amount END) AS net
           FROM member_spend
          WHERE member_id = $1 AND spent_at > $2::timestamptz - interval '12 months'
          GROUP BY order_id) per_order`,
      [memberId, now.toISOString()],
    );
    return Number(row.net);
  },

  /** Members whose tier may move with time: spend in the window, or a tier above SILVER. */
  async membersToReview(
    sql: SqlExecutor,
    now: Date,
    afterMemberId: string,
    limit: number,
  ): Promise<string[]> {
    const rows: { member_id: string }[] = await sql.query(
      `SELECT member_id FROM (
         SELECT member_id FROM member_summaries WHERE tier <> 'SILVER'
         UNION
         SELECT member_id FROM member_spend WHERE spent_at > $1::timestamptz - interval '13 months'
       ) candidates
       WHERE member_id > $2 ORDER BY member_id LIMIT $3`,
      [now.toISOString(), afterMemberId, limit],
    );
    return rows.map((r) => r.member_id);
  },
};
