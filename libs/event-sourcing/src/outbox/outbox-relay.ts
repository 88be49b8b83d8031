import type { MessagePublisher } from '@ecom/messaging';
import type { DataSource } from 'typeorm';
import { eventSourcingMetrics } from '../metrics';

export interface OutboxRelayOptions {
  /** Service name, for metrics and logs. */
  service: string;
  batchSize?: number;
  /**
   * Pause before looking again when nothing woke the relay. Commits wake it (see OUTBOX_CHANNEL), so
   * this is only the safety net for a lost notification; an idle relay costs one query per period.
   */
  idleCheckMs?: number;
  logger?: { error(message: string, error?: unknown): void };
  /** Told when this relay starts or stops holding the publishing lock (see `leading`). */
  onLeadershipChange?: (leading: boolean) => void;
}

/** Pause of a relay that found another replica publishing, before it tries again. */
const FOLLOWER_RETRY_MS = 200;

/**
 * The notification channel an append's transaction signals on commit (the event store sends it with
 * the outbox insert) while the publishing relay may be in another replica: every relay of that
 * database, in any replica, wakes at once. A NOTIFY serialises commits on a cluster-wide lock, so
 * the replica whose relay leads wakes it in process instead.
 */
export const OUTBOX_CHANNEL = 'es_outbox';

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
 * Publishes the transactional outbox to Kafka. A round locks, takes the oldest rows, publishes them
 * and commits their removal in one transaction: a crash after the publish and before the commit
 * leaves the rows in place, so they are published again (at least once; consumers dedupe on the
 * event id).
 *
 * Rounds run when a commit wakes the relay and back to back while there is a backlog, so batches are
 * one event when traffic is light and large when it is heavy; with no traffic the relay sleeps.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly idleCheckMs: number;
  private running = false;
  private loop?: Promise<void>;
  private endPause?: () => void;
  private wakeable = false;
  private isLeading = false;
  /** Set by wake-ups that arrive during a round, so the next pause does not sleep through them. */
  private woken = false;
  private wakeScheduled = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly options: OutboxRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.idleCheckMs = options.idleCheckMs ?? 5000;
  }

  /**
   * Publishes one batch; returns how many events it published (0 if another relay holds the lock).
   * Three round trips: BEGIN, one statement that takes the lock and removes the oldest rows (the
   * removal only counts if we commit), and COMMIT after Kafka acknowledged them.
   */
  async relayOnce(): Promise<number> {
    const rows: (OutboxRow & { locked: boolean })[] = await this.dataSource.transaction(async (tx) => {
      const taken: (OutboxRow & { locked: boolean })[] = await tx.query(
        // As a CTE so the driver returns plain rows (TypeORM returns [rows, count] for DELETE); the
        // join answers one row of nulls when we lead and the outbox is empty.
        `WITH leader AS (SELECT pg_try_advisory_xact_lock($2) AS locked),
         taken AS (
           DELETE FROM es_outbox WHERE (SELECT locked FROM leader)
             AND id IN (SELECT id FROM es_outbox ORDER BY id LIMIT $1)
           RETURNING id, topic, message_key, event_type, payload)
         SELECT l.locked, t.* FROM leader l LEFT JOIN taken t ON true ORDER BY t.id`,
        [this.batchSize, RELAY_LOCK_KEY],
      );
      const published = taken.filter((row) => row.id !== null);
      if (published.length === 0) return taken;
      await this.publisher.publish(
        published.map((row) => ({
          topic: row.topic,
          key: row.message_key,
          value: row.payload,
          headers: { 'content-type': 'application/json', 'event-type': row.event_type },
        })),
      );
      eventSourcingMetrics.outboxPublished.inc({ service: this.options.service }, published.length);
      return taken;
    });
    this.setLeading(rows[0]?.locked === true);
    return rows.filter((row) => row.id !== null).length;
  }

  /**
   * Whether this relay held the lock in its last round. Its own process's commits wake it directly
   * then (see `nudge`), so they need not notify the other replicas: the event store asks this.
   */
  get leading(): boolean {
    return this.isLeading;
  }

  private setLeading(leading: boolean): void {
    if (leading === this.isLeading) return;
    this.isLeading = leading;
    this.options.onLeadershipChange?.(leading);
  }

  /** Runs rounds until stop(): back to back while there is a backlog, sleeping until woken when drained. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      let failures = 0;
      while (this.running) {
        this.woken = false;
        let published = 0;
        try {
          published = await this.relayOnce();
          failures = 0;
        } catch (error) {
          failures++;
          eventSourcingMetrics.outboxRelayErrors.inc({ service: this.options.service });
          this.options.logger?.error(`outbox relay round failed (attempt ${failures})`, error);
        }
        if (failures) await this.pause(Math.min(5000, 50 * 2 ** failures), false);
        // Another replica leads: look again soon, in case it had taken its rows before ours committed.
        else if (!this.isLeading) await this.pause(FOLLOWER_RETRY_MS, true);
        else if (published < this.batchSize) await this.pause(this.idleCheckMs, true);
      }
    })();
  }

  /** Wakes the relay: something was committed to the outbox (a notification, or a commit in this process). */
  nudge(): void {
    this.woken = true;
    // Wake-ups of one turn of the event loop (several commits, a commit and its notification) make
    // one round, not one each.
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      if (this.wakeable) this.endPause?.();
    });
  }

  private pause(ms: number, wakeable: boolean): Promise<void> {
    if (wakeable && this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.endPause = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.endPause = done;
      this.wakeable = wakeable;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.endPause?.();
    await this.loop;
    this.loop = undefined;
  }
  /** Rows not yet published: the relay's backlog, for health and metrics. */
  async backlog(): Promise<number> {
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM es_outbox`);
    return count;
  }
}
