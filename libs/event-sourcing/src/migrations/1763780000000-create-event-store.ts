import { MigrationInterface, QueryRunner } from 'typeorm';
import { OutboxTraceContext1763790000000 } from './1763790000000-outbox-trace-context';

/**
 * The event-sourcing tables every service has in its own database: streams (the optimistic lock),
 * events (the log), snapshots, the transactional outbox, and processed-event records of consumers.
 */
export class CreateEventStore1763780000000 implements MigrationInterface {
  name = 'CreateEventStore1763780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE es_streams (
        aggregate_type text NOT NULL,
        aggregate_id   text NOT NULL,
        version        integer NOT NULL CHECK (version > 0),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (aggregate_type, aggregate_id)
      )`);
    await q.query(`
      CREATE TABLE es_events (
        global_position bigserial PRIMARY KEY,
        event_id        uuid NOT NULL UNIQUE,
        aggregate_type  text NOT NULL,
        aggregate_id    text NOT NULL,
        sequence        integer NOT NULL CHECK (sequence > 0),
        type            text NOT NULL,
        schema_version  integer NOT NULL,
        data            jsonb NOT NULL,
        correlation_id  text NOT NULL,
        causation_id    text,
        occurred_at     timestamptz NOT NULL,
        UNIQUE (aggregate_type, aggregate_id, sequence)
      )`);
    await q.query(`CREATE INDEX es_events_type_position ON es_events (type, global_position)`);
    await q.query(`
      CREATE TABLE es_snapshots (
        aggregate_type text NOT NULL,
        aggregate_id   text NOT NULL,
        version        integer NOT NULL,
        schema_version integer NOT NULL,
        state          jsonb NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (aggregate_type, aggregate_id)
      )`);
    await q.query(`
      CREATE TABLE es_outbox (
        id          bigserial PRIMARY KEY,
        event_id    uuid NOT NULL,
        topic       text NOT NULL,
        message_key text NOT NULL,
        event_type  text NOT NULL,
        payload     text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE es_processed_events (
        consumer     text NOT NULL,
        event_id     uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE es_processed_events`);
    await q.query(`DROP TABLE es_outbox`);
    await q.query(`DROP TABLE es_snapshots`);
    await q.query(`DROP TABLE es_events`);
    await q.query(`DROP TABLE es_streams`);
  }
}

/** Every event-store migration, in order: each service runs them before its own. */
export const EVENT_SOURCING_MIGRATIONS = [CreateEventStore1763780000000, OutboxTraceContext1763790000000];
