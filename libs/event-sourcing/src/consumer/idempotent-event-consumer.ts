import {
  dlqTopicOf,
  EventContext,
  EventEnvelope,
  EventSchemaRegistry,
  EventValidationError,
} from '@ecom/contracts';
import type {
  IncomingBatch,
  IncomingMessage,
  MessagePublisher,
  MessageSubscriber,
  Subscription,
} from '@ecom/messaging';
import { context as traceContexts, Span } from '@opentelemetry/api';
import type { DataSource, EntityManager } from 'typeorm';
import type { CommandSession, CommandSessions } from '../command/command-session';
import { DomainError } from '../domain/domain-error';
import { Gauge, register } from 'prom-client';
import { eventSourcingMetrics } from '../metrics';
import {
  handlingEvents,
  inSpan,
  isTraced,
  recordFailure,
  spanHeaders,
  startProcessSpan,
  TraceHeaders,
  withoutInstrumentation,
} from '../tracing/event-tracing';

/**
 * Where a consumer stands against the ends of its partitions:
 * - `stopped`: stopped (graceful shutdown);
 * - `catching-up`: not subscribed yet (starting, or retrying its start), or subscribed but either
 *   its lag is not measured yet (no fetch has answered since the start: a restarted consumer does
 *   not know how far behind it is) or messages are still behind;
 * - `caught-up`: every partition's end was reached (by applying up to it, or because the first
 *   fetches found nothing to read).
 */
export type ConsumerState = 'stopped' | 'catching-up' | 'caught-up';

export interface ConsumerStatus {
  running: boolean;
  state: ConsumerState;
  /** True once the consumer reached the ends of its partitions since it started (it stays true). */
  caughtUpSinceStart: boolean;
  /** Readiness waits for caughtUpSinceStart (IdempotentEventConsumerOptions.readyWhenCaughtUp). */
  readyWhenCaughtUp: boolean;
  lastBatchAt: string | null;
  /**
   * Messages behind the ends of the partitions, those of a batch being applied included; null while
   * not measured yet (never a made-up 0).
   */
  lag: number | null;
}

/**
 * How long a subscribed consumer may go without a batch before its partitions count as read to the
 * end: an idle fetch answers within a second (the subscriber's fetch wait), and a partition with
 * messages is answered at once.
 */
export const IDLE_MEANS_CAUGHT_UP_MS = 3_000;

/** The consumers of this process, for the caught-up gauge (read at every scrape). */
const liveConsumers = new Set<IdempotentEventConsumer<never>>();

function ensureCaughtUpGauge(): void {
  const name = 'kafka_consumer_caught_up';
  if (register.getSingleMetric(name)) return;
  new Gauge({
    name,
    help:
      'Consumer reached the ends of its partitions since it started (1), or is still catching up ' +
      'or has no measured lag yet (0)',
    labelNames: ['consumer'],
    collect() {
      this.reset();
      for (const consumer of liveConsumers) {
        this.set({ consumer: consumer.name }, consumer.status().caughtUpSinceStart ? 1 : 0);
      }
    },
  });
}

/** Throw from a handler to send the event to the DLQ instead of retrying it. */
export class PoisonMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

/**
 * Applies one event in the consumer's transaction: `session.sql` for the service's own rows,
 * `session.execute` and friends for its aggregates, `session.afterCommit` for work after the commit.
 */
export type EventHandler<E extends EventEnvelope = EventEnvelope> = (
  event: E,
  session: CommandSession,
) => Promise<void>;

/** What a batch handler reports: the events it refused (they go to the DLQ; its other effects commit). */
export interface EventBatchOutcome {
  refused?: ReadonlyArray<{ eventId: string; error: Error }>;
}

/**
 * Applies the new (not yet processed) events of one partition batch, in order, inside the batch's
 * transaction: lets a handler load each aggregate once per batch and append once per aggregate.
 * It refuses a poison event by listing it in `refused` (and leaving no effect of it); throwing
 * rolls the whole batch back and retries it (never a DLQ), so a throw must mean "try again".
 */
export type EventBatchHandler<E extends EventEnvelope = EventEnvelope> = (
  events: E[],
  session: CommandSession,
) => Promise<EventBatchOutcome | void>;

/**
 * `E` is the envelope type the handler receives: the registry validated every event against its
 * schema and only the `handles` types reach the handler, so a union of contract envelopes is sound.
 */
export interface IdempotentEventConsumerOptions<E extends EventEnvelope = EventEnvelope> {
  /** Consumer group id and the key of its processed-event records, e.g. "inventory.order-reservations". */
  name: string;
  topics: string[];
  /** Event types the handler applies; other (valid) events are acknowledged and skipped. */
  handles?: readonly string[];
  dataSource: DataSource;
  /** Opens the command session each batch's transaction is handed to the handler as. */
  sessions: CommandSessions;
  subscriber: MessageSubscriber;
  /** Publishes poison messages to `<topic>.dlq`. */
  publisher: MessagePublisher;
  registry: EventSchemaRegistry;
  /** Applies one event (in its own savepoint). Give either `handle` or `handleEvents`. */
  handle?: EventHandler<E>;
  /** Applies the batch's new events at once (see EventBatchHandler). Give either `handle` or `handleEvents`. */
  handleEvents?: EventBatchHandler<E>;
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  /**
   * The service is not ready (/health/ready 503) until this consumer has caught up once after its
   * start (a projector whose read models are its whole service). Other consumers only report it.
   */
  readyWhenCaughtUp?: boolean;
  /** See IDLE_MEANS_CAUGHT_UP_MS (tests shorten it). */
  idleMeansCaughtUpMs?: number;
  logger?: {
    /** One line per applied event, written in its CONSUMER span (so it carries the event's trace id). */
    debug?(message: string): void;
    warn(message: string): void;
    error(message: string, error?: unknown): void;
  };
}

interface ParsedMessage {
  message: IncomingMessage;
  event?: EventEnvelope;
  error?: Error;
  /** The CONSUMER span the message is handled in (see startSpans). */
  span?: Span;
}

/** The context for events a handler appends in reaction: same correlation, caused by this event. */
export function reactionContext(event: EventEnvelope): EventContext {
  return { correlationId: event.correlationId, causationId: event.id };
}

/** Aborts a batch applied without savepoints because a handler refused an event (see applyBatch). */
class IsolateRefusals extends Error {}

function isPoison(error: unknown): boolean {
  return (
    error instanceof PoisonMessageError ||
    error instanceof EventValidationError ||
    error instanceof DomainError
  );
}

/**
 * The one way services consume events. Per Kafka batch (one partition, in order): parse and validate
 * each message; in one transaction record the event ids as processed for this consumer and apply
 * only those not seen before, so a redelivery or a replay from offset 0 changes nothing; offsets are
 * committed after that transaction. A message that cannot be parsed or validated, or whose handler
 * refuses it, goes to `<topic>.dlq` with the error and its original bytes, and the batch goes on.
 */
export class IdempotentEventConsumer<E extends EventEnvelope = EventEnvelope> {
  private subscription?: Subscription;
  private readonly handles?: ReadonlySet<string>;
  private lastBatchAt?: Date;
  private readonly lagByPartition = new Map<string, number>();
  /** When the subscription started (the group joined): the clock of the idle rule. */
  private subscribedAt?: number;
  /** A batch of this subscription arrived: the lag of its partition is measured. */
  private measured = false;
  private batchesInFlight = 0;
  private caughtUpSinceStart = false;
  /** stop() was called: until then a consumer not subscribed yet is about to start (catching up). */
  private stopped = false;

  constructor(private readonly options: IdempotentEventConsumerOptions<E>) {
    if (!options.handle === !options.handleEvents) {
      throw new Error(`consumer ${options.name}: give exactly one of handle and handleEvents`);
    }
    this.handles = options.handles ? new Set(options.handles) : undefined;
  }

  get name(): string {
    return this.options.name;
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    this.resetProgress();
    this.stopped = false;
    ensureCaughtUpGauge();
    liveConsumers.add(this as IdempotentEventConsumer<never>);
    this.subscription = await this.options.subscriber.subscribe({
      groupId: this.options.name,
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      handleBatch: (batch) => this.handleBatch(batch),
    });
    this.subscribedAt = Date.now();
  }

  private resetProgress(): void {
    this.subscribedAt = undefined;
    this.measured = false;
    this.caughtUpSinceStart = false;
    this.lagByPartition.clear();
    this.batchesInFlight = 0;
  }

  /** Leaves the group after the batch in hand is done (graceful shutdown). */
  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    this.stopped = true;
    liveConsumers.delete(this as IdempotentEventConsumer<never>);
    await subscription?.stop();
    this.resetProgress();
  }

  /**
   * The lag is known once a batch arrived since the start, or once the first fetches found
   * nothing to read (no batch within idleMeansCaughtUpMs of joining the group). Until then the lag is
   * null and the state `catching-up`: right after a restart the consumer does not know how far behind
   * it is, and must not claim 0.
   */
  status(): ConsumerStatus {
    const running = !!this.subscription;
    const lag = running ? this.knownLag() : null;
    const atEnd = lag === 0 && this.batchesInFlight === 0;
    if (atEnd) this.caughtUpSinceStart = true;
    return {
      running,
      state: running && atEnd ? 'caught-up' : this.stopped ? 'stopped' : 'catching-up',
      caughtUpSinceStart: this.caughtUpSinceStart,
      readyWhenCaughtUp: this.options.readyWhenCaughtUp ?? false,
      lastBatchAt: this.lastBatchAt?.toISOString() ?? null,
      lag,
    };
  }

  private knownLag(): number | null {
    const idleFor = this.subscribedAt === undefined ? 0 : Date.now() - this.subscribedAt;
    const idle =
      this.batchesInFlight === 0 && idleFor >= (this.options.idleMeansCaughtUpMs ?? IDLE_MEANS_CAUGHT_UP_MS);
    if (!this.measured && !idle) return null;
    let lag = 0;
    for (const value of this.lagByPartition.values()) lag += value;
    return lag;
  }

  /** Exposed for tests and for replays driven outside Kafka; applies messages exactly as a batch would. */
  async handleBatch(batch: IncomingBatch): Promise<void> {
    if (batch.messages.length === 0) return;
    // Until it is applied, the batch in hand is still behind: its partition's lag counts at least its
    // messages (the Kafka adapter, nothing marked yet, counts from its first offset to the end). So
    // a consumer applying its backlog never reports a lag of 0.
    this.recordLag(batch, Math.max(batch.messages.length, batch.lagAfterBatch()));
    this.batchesInFlight++;
    try {
      await this.applyIncoming(batch);
    } finally {
      this.batchesInFlight--;
    }
    // Latch caught-up as soon as the backlog is applied, not only when health or metrics ask.
    this.status();
  }

  private async applyIncoming(batch: IncomingBatch): Promise<void> {
    const stopTimer = eventSourcingMetrics.batchDuration.startTimer({ consumer: this.options.name });
    const parsed: ParsedMessage[] = batch.messages.map((message) => {
      try {
        return { message, event: this.options.registry.parse(message.value) };
      } catch (error) {
        return { message, error: error as Error };
      }
    });
    const relevant = parsed.filter((p) => p.event && (!this.handles || this.handles.has(p.event.type)));
    const poisoned = parsed.filter((p) => p.error);

    const traced = [...relevant, ...poisoned];
    const handling = this.startSpans(batch.topic, traced);
    try {
      if (relevant.length > 0) {
        // What the batch appends in reaction to an event continues that event's span (handlingEvents).
        await traceContexts.with(handlingEvents(traceContexts.active(), handling), async () => {
          // Events are applied without a savepoint each (two round trips per event saved); only when
          // a handler refuses one is the batch redone with savepoints, so the refusal leaves no effect.
          try {
            await this.applyBatch(batch.topic, relevant, poisoned, false);
          } catch (error) {
            if (!(error instanceof IsolateRefusals)) throw error;
            await this.applyBatch(batch.topic, relevant, poisoned, true);
          }
        });
      } else {
        await this.deadLetter(batch.topic, poisoned);
      }
    } catch (error) {
      // The batch is retried: these spans end failed, the retry's spans follow them in the same traces.
      for (const item of traced) if (item.span) recordFailure(item.span, error);
      throw error;
    } finally {
      for (const item of traced) item.span?.end();
    }

    const last = batch.messages[batch.messages.length - 1];
    batch.markProcessed(last.offset);
    this.lastBatchAt = new Date();
    this.recordLag(batch, batch.lagAfterBatch());
    const newest = relevant[relevant.length - 1]?.event;
    if (newest) {
      eventSourcingMetrics.consumerLagSeconds.set(
        { consumer: this.options.name, topic: batch.topic },
        Math.max(0, (Date.now() - Date.parse(newest.occurredAt)) / 1000),
      );
    }
    stopTimer();
  }

  /**
   * One CONSUMER span per message the batch applies or dead-letters, a child of the context its
   * headers carry (the PRODUCER span of the relay that sent it). Returns the W3C context of each
   * event's span by event id, for the events appended in reaction (see handlingEvents).
   */
  private startSpans(topic: string, items: ParsedMessage[]): Map<string, TraceHeaders> {
    const handling = new Map<string, TraceHeaders>();
    for (const item of items) {
      const { message, event } = item;
      item.span = startProcessSpan({
        consumer: this.options.name,
        topic,
        partition: message.partition,
        offset: message.offset,
        headers: message.headers,
        eventId: event?.id,
        eventType: event?.type,
        correlationId: event?.correlationId,
      });
      if (event && isTraced(item.span)) handling.set(event.id, spanHeaders(item.span));
    }
    return handling;
  }

  /** Runs a per-event handler in the event's span: its queries, logs and appends belong to it. */
  private handleInSpan(item: ParsedMessage, session: CommandSession): Promise<void> {
    const handle = () => this.options.handle!(item.event as E, session);
    return item.span ? traceContexts.with(inSpan(item.span), handle) : handle();
  }

  /** After the commit: a debug line per applied event in its span, duplicates marked on theirs. */
  private reportOutcomes(topic: string, applied: ParsedMessage[], duplicates: ParsedMessage[]): void {
    for (const item of duplicates) item.span?.setAttribute('ecom.duplicate', true);
    const debug = this.options.logger?.debug;
    if (!debug) return;
    for (const { message, event, span } of applied) {
      const line = () =>
        debug(
          `${this.options.name}: applied ${event!.type} ${event!.id} from ${topic}[${message.partition}]@${message.offset} (correlation ${event!.correlationId})`,
        );
      if (span) traceContexts.with(inSpan(span), line);
      else line();
    }
  }

  /** The partition's lag as the batch measured it (status and the kafka_consumer_lag gauge). */
  private recordLag(batch: IncomingBatch, lag: number): void {
    this.lagByPartition.set(`${batch.topic}:${batch.partition}`, lag);
    this.measured = true;
    eventSourcingMetrics.consumerLag.set(
      { consumer: this.options.name, topic: batch.topic, partition: String(batch.partition) },
      lag,
    );
  }

  /**
   * One transaction: claims the ids, applies the fresh events, dead-letters what was refused (inside
   * the transaction: if the DLQ publish fails, the batch is retried as a whole). Without `isolate`, a
   * refusal by a per-event handler aborts with IsolateRefusals so the caller redoes it isolated.
   */
  private async applyBatch(
    topic: string,
    relevant: ParsedMessage[],
    unparseable: ParsedMessage[],
    isolate: boolean,
  ): Promise<void> {
    let session!: CommandSession;
    /** Of the last attempt of the transaction (it may run again): what it applied and refused. */
    let appliedItems: ParsedMessage[] = [];
    let refusedItems = new Set<ParsedMessage>();
    await this.options.dataSource.transaction(async (tx) => {
      session = this.options.sessions.on(tx);
      appliedItems = [];
      refusedItems = new Set();
      const poisoned = [...unparseable];
      const fresh = await this.claim(
        tx,
        relevant.map((p) => p.event!.id),
      );
      let applied = 0;
      if (this.options.handleEvents) {
        const items = relevant.filter((item) => fresh.delete(item.event!.id));
        const outcome =
          items.length > 0
            ? await this.options.handleEvents(
                items.map((i) => i.event as E),
                session,
              )
            : undefined;
        const refused = new Map((outcome?.refused ?? []).map((r) => [r.eventId, r.error]));
        for (const item of items) {
          const error = refused.get(item.event!.id);
          if (!error) {
            applied++;
            appliedItems.push(item);
            continue;
          }
          refusedItems.add(item);
          poisoned.push({ ...item, error });
        }
      } else {
        for (const item of relevant) {
          const event = item.event!;
          if (!fresh.delete(event.id)) continue;
          if (!isolate) {
            try {
              await this.handleInSpan(item, session);
            } catch (error) {
              throw isPoison(error) ? new IsolateRefusals() : error;
            }
            applied++;
            appliedItems.push(item);
            continue;
          }
          await tx.query('SAVEPOINT consume_event');
          try {
            await this.handleInSpan(item, session);
            await tx.query('RELEASE SAVEPOINT consume_event');
            applied++;
            appliedItems.push(item);
          } catch (error) {
            if (!isPoison(error)) throw error;
            await tx.query('ROLLBACK TO SAVEPOINT consume_event');
            refusedItems.add(item);
            poisoned.push({ ...item, error: error as Error });
          }
        }
      }
      await session.flush();
      await this.releaseClaims(
        tx,
        poisoned.flatMap((p) => (p.event ? [p.event.id] : [])),
      );
      const refusedCount = poisoned.length - unparseable.length;
      const duplicates = relevant.length - applied - refusedCount;
      eventSourcingMetrics.eventsConsumed.inc({ consumer: this.options.name, topic }, applied);
      if (duplicates > 0) {
        eventSourcingMetrics.eventsDuplicate.inc({ consumer: this.options.name, topic }, duplicates);
      }
      await this.deadLetter(topic, poisoned);
    });
    await this.options.sessions.committed(session, this.options.dataSource);
    const appliedSet = new Set(appliedItems);
    this.reportOutcomes(
      topic,
      appliedItems,
      relevant.filter((item) => !appliedSet.has(item) && !refusedItems.has(item)),
    );
  }

  /** Records the ids as processed; returns those that were not recorded before. */
  private async claim(tx: EntityManager, ids: string[]): Promise<Set<string>> {
    const rows: { event_id: string }[] = await tx.query(
      `INSERT INTO es_processed_events (consumer, event_id)
       SELECT $1, id FROM unnest($2::uuid[]) AS id
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.options.name, ids],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /**
   * A refused event is not processed: its claim goes, so that the same event redriven from the DLQ
   * once its cause is fixed is applied (and then claimed like any other).
   */
  private async releaseClaims(tx: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.query(`DELETE FROM es_processed_events WHERE consumer = $1 AND event_id = ANY($2::uuid[])`, [
      this.options.name,
      ids,
    ]);
  }

  private async deadLetter(topic: string, poisoned: ParsedMessage[]): Promise<void> {
    if (poisoned.length === 0) return;
    for (const p of poisoned) {
      const warn = () =>
        this.options.logger?.warn(
          `${this.options.name}: ${topic}[${p.message.partition}]@${p.message.offset} to DLQ: ${p.error?.message}` +
            (p.event ? ` (correlation ${p.event.correlationId})` : ''),
        );
      if (!p.span) {
        warn();
        continue;
      }
      recordFailure(p.span, p.error);
      p.span.setAttribute('ecom.dead_lettered', true);
      traceContexts.with(inSpan(p.span), warn);
    }
    // With the original headers as they came (traceparent included): kafkajs' instrumentation would
    // replace the traceparent with its own span's.
    await withoutInstrumentation(() =>
      this.options.publisher.publish(
        poisoned.map(({ message, error }) => ({
          topic: dlqTopicOf(topic),
          key: message.key ?? `${message.partition}:${message.offset}`,
          value: message.value ?? '',
          headers: {
            ...message.headers,
            'dlq-error': (error?.message ?? 'unknown error').slice(0, 2000),
            'dlq-error-type': error?.name ?? 'Error',
            'dlq-original-topic': topic,
            'dlq-original-partition': String(message.partition),
            'dlq-original-offset': message.offset,
            'dlq-consumer': this.options.name,
            'dlq-failed-at': new Date().toISOString(),
          },
        })),
      ),
    );
    eventSourcingMetrics.eventsDeadLettered.inc({ consumer: this.options.name, topic }, poisoned.length);
  }
}
