import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Anomaly alerts (docs/analytics.md, "Anomaly alerts"):
 *  - an_payment_failures: one row per PaymentFailed event (declined payment attempts), for the hourly
 *    payment success rate;
 *  - an_anomaly_alerts: every alert raised, open until an hour clears it (then with the clearing
 *    hour's figures); its id names the rule, the metric and the hour that raised it;
 *  - an_anomaly_evaluations: per rule, the next wall-clock hour to evaluate (hours are evaluated once,
 *    in order, so the alerts are a function of the facts of the hours evaluated).
 */
export class AnomalyAlerts1765840000000 implements MigrationInterface {
  name = 'AnomalyAlerts1765840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE an_payment_failures (
        event_id  uuid PRIMARY KEY,
        order_id  text NOT NULL,
        member_id text NOT NULL,
        amount    bigint NOT NULL,
        currency  text NOT NULL,
        method    text NOT NULL,
        reason    text NOT NULL,
        failed_at timestamptz NOT NULL,
        day       date NOT NULL
      )`);
    await q.query(`CREATE INDEX an_payment_failures_failed_at ON an_payment_failures (failed_at)`);
    // The hourly figures read paid orders by instant.
    await q.query(`CREATE INDEX an_orders_paid_paid_at ON an_orders_paid (paid_at)`);
    await q.query(`
      CREATE TABLE an_anomaly_alerts (
        id                  text PRIMARY KEY,
        type                text NOT NULL,
        metric              text NOT NULL,
        sku                 text,
        direction           text NOT NULL,
        expected            double precision NOT NULL,
        actual              double precision NOT NULL,
        deviation           double precision NOT NULL,
        window_from         timestamptz NOT NULL,
        window_to           timestamptz NOT NULL,
        open                boolean NOT NULL DEFAULT true,
        cleared_expected    double precision,
        cleared_actual      double precision,
        cleared_deviation   double precision,
        cleared_window_from timestamptz,
        cleared_window_to   timestamptz
      )`);
    await q.query(`CREATE INDEX an_anomaly_alerts_window ON an_anomaly_alerts (window_from)`);
    await q.query(`CREATE INDEX an_anomaly_alerts_open ON an_anomaly_alerts (type, metric) WHERE open`);
    await q.query(`
      CREATE TABLE an_anomaly_evaluations (
        rule      text PRIMARY KEY,
        next_hour text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE an_anomaly_evaluations`);
    await q.query(`DROP TABLE an_anomaly_alerts`);
    await q.query(`DROP INDEX an_orders_paid_paid_at`);
    await q.query(`DROP TABLE an_payment_failures`);
  }
}
