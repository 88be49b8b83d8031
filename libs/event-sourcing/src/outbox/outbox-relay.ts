import type { MessagePublisher } from '@ecom/messaging';
import type { DataSource } from 'typeorm';
import { eventSourcingMetrics } from '../metrics';

export interface OutboxRelayOptions {
  /** Service name, for metrics and logs. */
  service: string;
  batchSize?: number;
  /** Pause between rounds when the outbox is drained. */
  pollIntervalMs?: number;
  logger?: { error(message: string, error?: unknown): void };
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  event_type: string;
  payload: string;
}

// One relay per database publishes at a time (the others wait on this lock), which keeps each
// aggregate's events in append order on Kafka when several replicas of a service run.
const RELAY_LOCK_KEY = 7_310_001;

/**
 * Publishes the transactional outbox to Kafka. A round locks, reads the oldest rows, publishes them
 * and deletes them in one transaction: a crash after the publish and before the commit leaves the
 * rows in place, so they are published again (at least once; consumers dedupe on the event id).
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly options: OutboxRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
  }

  /** Publishes one batch; returns how many events it published (0 if another relay holds the lock). */
  async relayOnce(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = await tx.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [RELAY_LOCK_KEY]);
      if (!locked) return 0;
      const rows: OutboxRow[] = await tx.query(
        `SELECT id, topic, message_key, event_type, payload FROM es_outbox ORDER BY id LIMIT $1`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      await this.publisher.publish(
        rows.map((row) => ({
          topic: row.topic,
          key: row.message_key,
          value: row.payload,
          headers: { 'content-type': 'application/json', 'event-type': row.event_type },
        })),
      );
      await tx.query(`DELETE FROM es_outbox WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      eventSourcingMetrics.outboxPublished.inc({ service: this.options.service }, rows.length);
      return rows.length;
    });
  }

  /** Runs rounds until stop(): back to back while there is a backlog, polling when drained. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      let failures = 0;
      while (this.running) {
        let published = 0;
        try {
          published = await this.relayOnce();
          failures = 0;
        } catch (error) {
          failures++;
          eventSourcingMetrics.outboxRelayErrors.inc({ service: this.options.service });
          this.options.logger?.error(`outbox relay round failed (attempt ${failures})`, error);
        }
        if (published < this.batchSize) {
          await this.pause(
            failures ? Math.min(5000, this.pollIntervalMs * 2 ** failures) : this.pollIntervalMs,
          );
        }
      }
    })();
  }

  /** Wakes a sleeping relay right away, e.g. after a command appended events. */
  nudge(): void {
    this.wake?.();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Rows not yet published: the relay's backlog, for health and metrics. */
  async backlog(): Promise<number> {
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM es_outbox`);
    return count;
  }
}
