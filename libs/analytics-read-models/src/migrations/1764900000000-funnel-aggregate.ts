import { MigrationInterface, QueryRunner } from 'typeorm';
import { rebuildFunnelAggregate } from '../funnel/funnel-aggregate';

/**
 * The funnel's pre-aggregation per day and first-touch channel (see funnel/funnel-aggregate.ts),
 * built from the behaviour facts already stored.
 */
export class FunnelAggregate1764900000000 implements MigrationInterface {
  name = 'FunnelAggregate1764900000000';

  async up(q: QueryRunner): Promise<void> {
    // Visitor events not folded into the aggregate yet (written with the event, removed by the fold).
    await q.query(`
      CREATE TABLE an_funnel_pending (
        event_id   uuid PRIMARY KEY,
        day        date NOT NULL,
        visitor_id text NOT NULL
      )`);
    // Per visited visitor-day: first-touch channel and the number of funnel steps reached in order.
    await q.query(`
      CREATE TABLE an_funnel_visitor_days (
        day        date NOT NULL,
        visitor_id text NOT NULL,
        channel    text,
        reached    smallint NOT NULL CHECK (reached BETWEEN 1 AND 5),
        PRIMARY KEY (day, visitor_id)
      )`);
    // Per day and first-touch channel (NULL: none): visitor-days that reached each step.
    await q.query(`
      CREATE TABLE an_funnel_days (
        day     date NOT NULL,
        channel text,
        s1      integer NOT NULL,
        s2      integer NOT NULL,
        s3      integer NOT NULL,
        s4      integer NOT NULL,
        s5      integer NOT NULL,
        CONSTRAINT an_funnel_days_key UNIQUE NULLS NOT DISTINCT (day, channel)
      )`);
    await q.query(`CREATE INDEX an_funnel_days_empty ON an_funnel_days (day) WHERE s1 = 0`);
    await rebuildFunnelAggregate(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE an_funnel_days, an_funnel_visitor_days, an_funnel_pending`);
  }
}
