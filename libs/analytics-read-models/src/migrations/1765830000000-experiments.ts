import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A/B test readouts (docs/analytics.md, "A/B test readouts"):
 *  - an_experiment_visitors: a visitor's exposure to an experiment, from storefront behaviour events
 *    that carry `experiments`; the variant is the one of the visitor's earliest such event (by the
 *    time it happened, ties by event id), so redelivery and reordering leave the same row;
 *  - an_experiment_orders: the assignment an order carried when it was placed (OrderPlaced), joined
 *    with an_orders_paid for conversions and revenue.
 * Events projected before this migration carried no assignment: nothing to backfill.
 */
export class Experiments1765830000000 implements MigrationInterface {
  name = 'Experiments1765830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE an_experiment_visitors (
        experiment     text NOT NULL,
        visitor_id     text NOT NULL,
        variant        text NOT NULL,
        first_seen_at  timestamptz NOT NULL,
        first_event_id uuid NOT NULL,
        day            date NOT NULL,
        PRIMARY KEY (experiment, visitor_id)
      )`);
    await q.query(`CREATE INDEX an_experiment_visitors_day ON an_experiment_visitors (experiment, day)`);
    await q.query(`
      CREATE TABLE an_experiment_orders (
        order_id   text NOT NULL,
        experiment text NOT NULL,
        variant    text NOT NULL,
        visitor_id text NOT NULL,
        PRIMARY KEY (order_id, experiment)
      )`);
    await q.query(
      `CREATE INDEX an_experiment_orders_visitor ON an_experiment_orders (experiment, visitor_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE an_experiment_orders`);
    await q.query(`DROP TABLE an_experiment_visitors`);
  }
}
