import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live RFM. A member's row is rescored in the projector's batch against the cut points of the last
 * full recomputation, so:
 *  - an_rfm_runs keeps each run's cut points (the lowest value earning scores 2..5; recency as the
 *    day of the last payment, so they do not move as days pass) and when the run completed;
 *  - an_rfm_scores keeps the day of the last payment instead of the recency in days (derived when
 *    answered, so a row does not change every midnight), how many order and refund facts it was
 *    computed from (a row computed from fewer facts never overwrites one computed from more) and the
 *    instant it was computed;
 *  - an_refunds gets an index by member (those counts, per member), an_returns one by order (the
 *    sales' cohort return rate looks up the returns of each paid order);
 *  - an_facts_version: a sequence the projector advances after each commit, which the API's cache
 *    keys carry, so a cached answer is never served after new facts are in.
 * Scores are derived: the rows go, and the next recomputation (at the projector's start) writes them.
 */
export class LiveRfm1765700000000 implements MigrationInterface {
  name = 'LiveRfm1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM an_rfm_scores`);
    await q.query(
      `ALTER TABLE an_rfm_scores DROP COLUMN recency_days,
         ADD COLUMN last_paid_day date NOT NULL,
         ADD COLUMN fact_count integer NOT NULL,
         ADD COLUMN as_of timestamptz NOT NULL`,
    );
    await q.query(
      `ALTER TABLE an_rfm_runs
         ADD COLUMN recency_cuts date[],
         ADD COLUMN frequency_cuts integer[],
         ADD COLUMN monetary_cuts bigint[],
         ADD COLUMN completed_at timestamptz`,
    );
    await q.query(`CREATE INDEX an_refunds_member ON an_refunds (member_id)`);
    await q.query(`CREATE INDEX an_returns_order ON an_returns (order_id)`);
    await q.query(`CREATE SEQUENCE an_facts_version`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SEQUENCE an_facts_version`);
    await q.query(`DROP INDEX an_returns_order`);
    await q.query(`DROP INDEX an_refunds_member`);
    await q.query(
      `ALTER TABLE an_rfm_runs DROP COLUMN recency_cuts, DROP COLUMN frequency_cuts, DROP COLUMN monetary_cuts,
         DROP COLUMN completed_at`,
    );
    await q.query(`DELETE FROM an_rfm_scores`);
    await q.query(
      `ALTER TABLE an_rfm_scores DROP COLUMN last_paid_day, DROP COLUMN fact_count, DROP COLUMN as_of,
         ADD COLUMN recency_days integer NOT NULL`,
    );
  }
}
