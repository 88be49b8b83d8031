import type { MessagePublisher } from '@ecom/messaging';
import { Context, context as traceContexts } from '@opentelemetry/api';
import { Gauge, register } from 'prom-client';
import type { DataSource, QueryRunner } from 'typeorm';
import { eventSourcingMetrics } from '../metrics';
import {
  failedPublishContext,
  recordFailure,
  startPublishSpan,
  withoutInstrumentation,
} from '../tracing/event-tracing';

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

/**
 * The notification channel an append's transaction signals on commit (the event store sends it with
 * the outbox insert) while the publishing relay may be in another replica: every relay of that
 * database, in any replica, wakes at once. A NOTIFY serialises commits on a cluster-wide lock, so
 * the replica whose relay leads wakes it in process instead.
 */
export const OUTBOX_CHANNEL = 'es_outbox';

interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  message_key: string;
  event_type: string;
  payload: string;
  traceparent: string | null;
  tracestate: string | null;
}

// One relay per database publishes at a time (it holds this session lock; the others try again),
// which keeps each aggregate's events in append order on Kafka when several replicas of a service run.
const RELAY_LOCK_KEY = 7_310_001;

/** What waits in a service's outbox: rows not yet published, and how long the oldest has waited. */
export interface OutboxBacklog {
  events: number;
  /** Age of the oldest row, seconds; 0 when the outbox is empty. */
  oldestAgeSeconds: number;
}

/** The relays of this process, for the backlog gauges (read at every scrape). */
const liveRelays = new Set<OutboxRelay>();

/**
 * outbox_backlog_events and outbox_oldest_event_age_seconds, per service: one query per relay and
 * scrape, shared by both gauges. Every replica of a service reports the same database: aggregate
 * with max, not sum. A scrape while the database is away leaves the series out.
 */
function ensureBacklogGauges(): void {
  if (register.getSingleMetric('outbox_backlog_events')) return;
  const collector = (pick: (backlog: OutboxBacklog) => number) =>
    async function (this: Gauge<string>) {
      const measured = await Promise.all(
        [...liveRelays].map(async (relay) => ({
          service: relay.service,
          backlog: await relay.backlogAtScrape().catch(() => undefined),
        })),
      );
      this.reset();
      for (const { service, backlog } of measured) if (backlog) this.set({ service }, pick(backlog));
    };
  new Gauge({
    name: 'outbox_backlog_events',
    help: 'Events committed but not yet published to Kafka (the outbox rows of the service database)',
    labelNames: ['service'],
    collect: collector((b) => b.events),
  });
  new Gauge({
    name: 'outbox_oldest_event_age_seconds',
    help: 'How long the oldest unpublished event has waited in the outbox (0 when it is empty)',
    labelNames: ['service'],
    collect: collector((b) => b.oldestAgeSeconds),
  });
}

/**
 * Publishes the transactional outbox to Kafka, at least once, in id order (each aggregate's append
 * order: its appends are serialised by its stream lock).
 *
 * The relay leads while its own connection holds a session advisory lock; a connection that dies
 * gives the lock up at once. A round is one statement: it deletes the rows the previous round
 * published (Kafka acknowledged them) and reads the next oldest ones. A crash between a publish and
 * that delete leaves the rows in place, so they are published again (consumers dedupe on the event
 * id), and no transaction is held open while Kafka answers.
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
  /** The leader's own connection (it holds the session lock). */
  private session?: QueryRunner;
  /** Ids Kafka acknowledged and the next round deletes. */
  private published: string[] = [];
  /** The backlog query of the scrape in progress, shared by its two gauges. */
  private scrape?: { at: number; backlog: Promise<OutboxBacklog> };
  /** The last publish that failed and the trace context its failure is logged in. */
  private failedPublish?: { error: unknown; traceContext: Context };

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    private readonly options: OutboxRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.idleCheckMs = options.idleCheckMs ?? 5000;
  }

  /**
   * One round: deletes what the previous round published, takes the next oldest rows and publishes
   * them. Returns how many it published (0 when drained, or when another relay leads).
   */
  async relayOnce(): Promise<number> {
    const session = await this.lead();
    if (!session) return 0;
    let rows: OutboxRow[];
    try {
      rows = await session.query(
        `WITH done AS (DELETE FROM es_outbox WHERE id = ANY($1::bigint[]))
         SELECT id, event_id, topic, message_key, event_type, payload, traceparent, tracestate FROM es_outbox
         WHERE id <> ALL($1::bigint[]) ORDER BY id LIMIT $2`,
        [this.published, this.batchSize],
      );
    } catch (error) {
      await this.resign();
      throw error;
    }
    this.published = [];
    if (rows.length === 0) return 0;
    // Each message in a PRODUCER span continuing the context its event was appended in, sent as its
    // headers. kafkajs' instrumentation would start its own spans in the relay's (empty) context and
    // overwrite those headers: it is silenced for this send, so the row's context wins.
    const startedAt = Date.now();
    const traces = rows.map((row) =>
      startPublishSpan({
        service: this.options.service,
        topic: row.topic,
        key: row.message_key,
        eventId: row.event_id,
        eventType: row.event_type,
        stored: { traceparent: row.traceparent ?? undefined, tracestate: row.tracestate ?? undefined },
      }),
    );
    try {
      await withoutInstrumentation(() =>
        this.publisher.publish(
          rows.map((row, i) => ({
            topic: row.topic,
            key: row.message_key,
            value: row.payload,
            headers: {
              'content-type': 'application/json',
              'event-type': row.event_type,
              ...traces[i].headers,
            },
          })),
        ),
      );
    } catch (error) {
      for (const { span } of traces) recordFailure(span, error);
      this.failedPublish = {
        error,
        traceContext: failedPublishContext(this.options.service, startedAt, error, traces),
      };
      throw error;
    } finally {
      for (const { span } of traces) span.end();
    }
    this.published = rows.map((row) => row.id);
    eventSourcingMetrics.outboxPublished.inc({ service: this.options.service }, rows.length);
    return rows.length;
  }

  /** The session holding the publishing lock: ours, taken now if free, or none while another relay leads. */
  private async lead(): Promise<QueryRunner | undefined> {
    if (this.session) return this.session;
    const session = this.dataSource.createQueryRunner();
    try {
      const [{ locked }] = await session.query(`SELECT pg_try_advisory_lock($1) AS locked`, [RELAY_LOCK_KEY]);
      if (locked) {
        this.session = session;
        this.setLeading(true);
        return session;
      }
    } catch (error) {
      await session.release().catch(() => undefined);
      throw error;
    }
    await session.release();
    this.setLeading(false);
    return undefined;
  }

  /** Gives the lock and the connection up (on stop, or when the connection failed). */
  private async resign(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.setLeading(false);
    if (!session) return;
    await session.query(`SELECT pg_advisory_unlock($1)`, [RELAY_LOCK_KEY]).catch(() => undefined);
    await session.release().catch(() => undefined);
  }

  /**
   * Whether this relay holds the publishing lock. Its own process's commits wake it directly then
   * (see `nudge`), so they need not notify the other replicas: the event store asks this.
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
    ensureBacklogGauges();
    liveRelays.add(this);
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
          // A failed publish is logged in its trace (see failedPublishContext); a failed query in none.
          const failed = this.failedPublish?.error === error ? this.failedPublish?.traceContext : undefined;
          this.failedPublish = undefined;
          traceContexts.with(failed ?? traceContexts.active(), () =>
            this.options.logger?.error(`outbox relay round failed (attempt ${failures})`, error),
          );
        }
        if (failures) await this.pause(Math.min(5000, 50 * 2 ** failures), false);
        // After a publish the next round follows at once: it deletes what Kafka acknowledged (and
        // takes what came meanwhile). Drained, or another replica leading (it is notified of our
        // commits, and we take over when its connection dies): sleep until woken.
        else if (published === 0) await this.pause(this.idleCheckMs, true);
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
    liveRelays.delete(this);
    this.endPause?.();
    await this.loop;
    this.loop = undefined;
    // What Kafka acknowledged need not go out again after a restart.
    if (this.session && this.published.length > 0) {
      await this.session
        .query(`DELETE FROM es_outbox WHERE id = ANY($1::bigint[])`, [this.published])
        .then(() => (this.published = []))
        .catch(() => undefined);
    }
    await this.resign();
  }

  get service(): string {
    return this.options.service;
  }

  /** Rows not yet published: the relay's backlog, for health and metrics. */
  async backlog(): Promise<number> {
    return (await this.backlogWithAge()).events;
  }

  /** The backlog and the age of its oldest row (PostgreSQL's clock: the rows' own). */
  async backlogWithAge(): Promise<OutboxBacklog> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS events,
              COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest
       FROM es_outbox`,
    );
    return { events: row.events, oldestAgeSeconds: Math.max(0, row.oldest) };
  }

  /** backlogWithAge, asked once for the gauges of one scrape. */
  backlogAtScrape(): Promise<OutboxBacklog> {
    if (!this.scrape || Date.now() - this.scrape.at > 1000) {
      this.scrape = { at: Date.now(), backlog: this.backlogWithAge() };
    }
    return this.scrape.backlog;
  }
}
