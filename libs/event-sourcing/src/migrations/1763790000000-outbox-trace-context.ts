import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context an event was appended in, kept with its outbox row until the relay publishes
 * it (as the traceparent/tracestate Kafka headers). Null for rows appended outside a trace or while
 * the service does not trace. Nullable columns without a default: adding them rewrites nothing.
 */
export class OutboxTraceContext1763790000000 implements MigrationInterface {
  name = 'OutboxTraceContext1763790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE es_outbox ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE es_outbox DROP COLUMN tracestate, DROP COLUMN traceparent`);
  }
}
