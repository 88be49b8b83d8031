import { EventContext, EventSchemaRegistry } from '@ecom/contracts';
import { Context, context as traceContexts } from '@opentelemetry/api';
import { v7 as uuidv7 } from 'uuid';
import type { DomainEvent } from '../domain/aggregate-definition';
import { OUTBOX_CHANNEL } from '../outbox/outbox-relay';
import type { InlineProjection } from '../projection/inline-projection';
import { chunk, SqlExecutor, valuePlaceholders } from '../sql-executor';
import { appendedEventTraces, TraceHeaders } from '../tracing/event-tracing';
import { StreamVersionConflictError } from './event-store.errors';
import { EventRow, RecordedEvent, recordedEventFromRow, toEnvelope } from './recorded-event';

/**
 * An event to append. `context` overrides the append's context for this one event, so a batch that
 * reacts to several incoming events appends once and still records each event's own correlation and
 * causation.
 */
export interface EventToAppend extends DomainEvent {
  context?: EventContext;
  /**
   * When the event happened, if not now: only for history brought over from elsewhere (an imported
   * past order keeps its original date as the envelope's occurredAt). Default: the append's time.
   */
  occurredAt?: Date;
}

export interface AppendToStream {
  aggregateType: string;
  aggregateId: string;
  /** The stream version the decision was made on; 0 for a new stream; 'any' to skip the check. */
  expectedVersion: number | 'any';
  events: readonly EventToAppend[];
}

export interface EventStoreOptions {
  /** Service name, the envelope's `source`. */
  source: string;
  registry: EventSchemaRegistry;
  inlineProjections?: InlineProjection[];
  now?: () => Date;
}

/** One identity per transaction: a TypeORM EntityManager of a transaction and its QueryRunner are the same one. */
function transactionOf(tx: SqlExecutor): object {
  return (tx as { queryRunner?: object }).queryRunner ?? tx;
}

/** One string per stream, for sets and maps of streams. */
export function streamKey(aggregateType: string, aggregateId: string): string {
  return `${aggregateType}\u0000${aggregateId}`;
}

/** The global order in which streams are locked: by aggregate type, then id. */
function compareStreams(a: AppendToStream, b: AppendToStream): number {
  return a.aggregateType === b.aggregateType
    ? a.aggregateId.localeCompare(b.aggregateId)
    : a.aggregateType.localeCompare(b.aggregateType);
}

const EVENT_COLUMNS = 10;
const OUTBOX_COLUMNS = 7;
const ROWS_PER_INSERT = 1000;

/**
 * Event store on PostgreSQL. `es_streams` holds one row per aggregate with its current version: the
 * conditional update of that row is the optimistic lock, which keeps every stream's sequence gapless
 * and unique. The same transaction writes the events, their outbox rows and the inline projections.
 */
export class PostgresEventStore {
  private readonly inlineProjections: InlineProjection[];
  /**
   * Whether appends notify OUTBOX_CHANNEL. Off while this process's own relay publishes (it is woken
   * in process after each commit), on while the relay of another replica may be the one publishing.
   */
  notifyRelays = true;
  /** Transactions that queued outbox rows (by their query runner), so their commit can wake the relay. */
  private readonly queuedIn = new WeakSet<object>();
  private readonly now: () => Date;

  constructor(private readonly options: EventStoreOptions) {
    this.inlineProjections = options.inlineProjections ?? [];
    this.now = options.now ?? (() => new Date());
  }

  get source(): string {
    return this.options.source;
  }

  get registry(): EventSchemaRegistry {
    return this.options.registry;
  }

  addInlineProjection(projection: InlineProjection): void {
    this.inlineProjections.push(projection);
  }

  /**
   * Appends to one or more streams atomically. Must run inside a transaction (`tx` is its
   * EntityManager or QueryRunner): on a version conflict it throws StreamVersionConflictError and
   * the caller's transaction rolls back with nothing written.
   */
  async append(
    tx: SqlExecutor,
    streams: readonly AppendToStream[],
    context: EventContext,
  ): Promise<RecordedEvent[]> {
    const nonEmpty = streams.filter((s) => s.events.length > 0);
    if (nonEmpty.length === 0) return [];
    // Lock stream rows in one global order so two multi-stream appends cannot deadlock.
    const ordered = [...nonEmpty].sort(compareStreams);
    for (let i = 1; i < ordered.length; i++) {
      const [previous, current] = [ordered[i - 1], ordered[i]];
      if (previous.aggregateType === current.aggregateType && previous.aggregateId === current.aggregateId) {
        throw new Error(
          `append: stream ${ordered[i].aggregateType}:${ordered[i].aggregateId} is given twice`,
        );
      }
    }
    const claimed = await this.claimAll(tx, ordered);
    const traceContext = traceContexts.active();
    return this.record(
      tx,
      ordered.map((stream) => ({ stream, after: claimed.get(stream)!, context, traceContext })),
    );
  }

  /**
   * Appends the events of many independent requests (group commit): each request is checked
   * against its expected versions on its own and either fully written or refused with a
   * StreamVersionConflictError, without failing the others. Existing streams are locked and moved
   * in the global order with one statement, new streams claimed with one insert; what a refused
   * request had claimed is given back. Two requests must not name the same stream. Must run
   * inside a transaction. A request's `traceContext` is the trace context it was asked in (the
   * group commit writes it from another one); by default the one active now.
   */
  async appendEach(
    tx: SqlExecutor,
    requests: readonly {
      streams: readonly AppendToStream[];
      context: EventContext;
      traceContext?: Context;
    }[],
  ): Promise<(RecordedEvent[] | StreamVersionConflictError)[]> {
    const owner = new Map<string, number>();
    const all: AppendToStream[] = [];
    requests.forEach((request, index) => {
      for (const stream of request.streams) {
        if (stream.events.length === 0) continue;
        if (stream.expectedVersion === 'any')
          throw new Error('appendEach: expected version "any" is not supported');
        const key = streamKey(stream.aggregateType, stream.aggregateId);
        if (owner.has(key))
          throw new Error(`appendEach: stream ${stream.aggregateType}:${stream.aggregateId} is given twice`);
        owner.set(key, index);
        all.push(stream);
      }
    });
    all.sort(compareStreams);
    const ownerOf = (stream: AppendToStream) =>
      owner.get(streamKey(stream.aggregateType, stream.aggregateId))!;
    const conflicts = new Map<number, StreamVersionConflictError>();
    const refuse = (stream: AppendToStream, actual: number | null) => {
      const index = ownerOf(stream);
      if (conflicts.has(index)) return;
      conflicts.set(
        index,
        new StreamVersionConflictError(
          `${stream.aggregateType}:${stream.aggregateId}`,
          stream.expectedVersion as number,
          actual,
        ),
      );
    };

    const ours: AppendToStream[] = [];
    const existing = all.filter((s) => s.expectedVersion !== 0);
    const moved = await this.moveStreams(tx, existing);
    for (const stream of existing) {
      const row = moved.get(streamKey(stream.aggregateType, stream.aggregateId));
      if (row?.moved) ours.push(stream);
      else refuse(stream, row?.version ?? null);
    }
    const fresh = all.filter((s) => s.expectedVersion === 0);
    const inserted = await this.insertStreams(tx, fresh);
    for (const stream of fresh) {
      if (inserted.has(streamKey(stream.aggregateType, stream.aggregateId))) ours.push(stream);
      else refuse(stream, await this.streamVersion(tx, stream.aggregateType, stream.aggregateId));
    }
    if (conflicts.size > 0)
      await this.giveBack(
        tx,
        ours.filter((s) => conflicts.has(ownerOf(s))),
      );

    const winners = all.filter((s) => !conflicts.has(ownerOf(s)));
    const recorded = await this.record(
      tx,
      winners.map((stream) => ({
        stream,
        after: stream.expectedVersion as number,
        context: requests[ownerOf(stream)].context,
        traceContext: requests[ownerOf(stream)].traceContext ?? traceContexts.active(),
      })),
    );
    const results: (RecordedEvent[] | StreamVersionConflictError)[] = requests.map(
      (_, index) => conflicts.get(index) ?? [],
    );
    for (const event of recorded) {
      (results[owner.get(streamKey(event.aggregateType, event.aggregateId))!] as RecordedEvent[]).push(event);
    }
    return results;
  }

  /**
   * Undoes the claims of refused requests of appendEach, in their transaction (the rows are still
   * locked by it): the new streams it inserted are deleted, the existing ones it moved go back to
   * the version they were at.
   */
  private async giveBack(tx: SqlExecutor, claims: readonly AppendToStream[]): Promise<void> {
    const fresh = claims.filter((s) => s.expectedVersion === 0);
    if (fresh.length > 0) {
      await tx.query(
        `DELETE FROM es_streams s USING unnest($1::text[], $2::text[]) AS w(aggregate_type, aggregate_id)
         WHERE s.aggregate_type = w.aggregate_type AND s.aggregate_id = w.aggregate_id`,
        [fresh.map((s) => s.aggregateType), fresh.map((s) => s.aggregateId)],
      );
    }
    const existing = claims.filter((s) => s.expectedVersion !== 0);
    if (existing.length > 0) {
      await tx.query(
        `UPDATE es_streams s SET version = w.version
         FROM unnest($1::text[], $2::text[], $3::int[]) AS w(aggregate_type, aggregate_id, version)
         WHERE s.aggregate_type = w.aggregate_type AND s.aggregate_id = w.aggregate_id`,
        [
          existing.map((s) => s.aggregateType),
          existing.map((s) => s.aggregateId),
          existing.map((s) => s.expectedVersion as number),
        ],
      );
    }
  }

  /**
   * Writes the events of claimed streams (each after the version it was at), their outbox rows (with
   * the trace context each event continues, see appendedEventTraces) and inline projections.
   */
  private async record(
    tx: SqlExecutor,
    claims: readonly {
      stream: AppendToStream;
      after: number;
      context: EventContext;
      traceContext: Context;
    }[],
  ): Promise<RecordedEvent[]> {
    const occurredAt = this.now();
    const pending: Omit<RecordedEvent, 'globalPosition'>[] = [];
    const traces: TraceHeaders[] = [];
    const tracesOf = new Map<Context, ReturnType<typeof appendedEventTraces>>();
    for (const { stream, after, context, traceContext } of claims) {
      let traceOf = tracesOf.get(traceContext);
      if (!traceOf) tracesOf.set(traceContext, (traceOf = appendedEventTraces(traceContext)));
      const firstSequence = after + 1;
      stream.events.forEach((event, index) => {
        const definition = this.options.registry.latest(event.type);
        this.options.registry.validateData(definition.type, definition.version, event.data);
        pending.push({
          id: uuidv7(),
          type: event.type,
          version: definition.version,
          source: this.options.source,
          aggregateType: stream.aggregateType,
          aggregateId: stream.aggregateId,
          sequence: firstSequence + index,
          occurredAt: (event.occurredAt ?? occurredAt).toISOString(),
          correlationId: event.context?.correlationId ?? context.correlationId,
          causationId: (event.context ?? context).causationId ?? null,
          data: event.data,
        });
        traces.push(traceOf(pending[pending.length - 1].causationId));
      });
    }

    const recorded: RecordedEvent[] = [];
    let offset = 0;
    for (const rows of chunk(pending, ROWS_PER_INSERT)) {
      const rowTraces = traces.slice(offset, (offset += rows.length));
      // Events and their outbox rows in one statement; the notification (when asked for) wakes every
      // outbox relay of this database when (and only if) the transaction commits.
      const inserted: { global_position: string }[] = await tx.query(
        `WITH queued AS (
           INSERT INTO es_outbox (event_id, topic, message_key, event_type, payload, traceparent, tracestate)
           VALUES ${valuePlaceholders(rows.length, OUTBOX_COLUMNS, rows.length * EVENT_COLUMNS)}
           ${this.notifyRelays ? `RETURNING pg_notify('${OUTBOX_CHANNEL}', '')` : ''})
         INSERT INTO es_events (event_id, aggregate_type, aggregate_id, sequence, type, schema_version, data,
           correlation_id, causation_id, occurred_at)
         VALUES ${valuePlaceholders(rows.length, EVENT_COLUMNS)}
         RETURNING global_position`,
        [
          ...rows.flatMap((e) => [
            e.id,
            e.aggregateType,
            e.aggregateId,
            e.sequence,
            e.type,
            e.version,
            JSON.stringify(e.data),
            e.correlationId,
            e.causationId,
            e.occurredAt,
          ]),
          ...rows.flatMap((e, i) => [
            e.id,
            this.options.registry.get(e.type, e.version).topic,
            e.aggregateId,
            e.type,
            JSON.stringify(toEnvelope({ ...e, globalPosition: '' })),
            rowTraces[i].traceparent ?? null,
            rowTraces[i].tracestate ?? null,
          ]),
        ],
      );
      rows.forEach((e, i) => recorded.push({ ...e, globalPosition: String(inserted[i].global_position) }));
    }
    if (recorded.length > 0) this.queuedIn.add(transactionOf(tx));
    await this.applyInlineProjections(tx, recorded);
    return recorded;
  }

  /**
   * Claims the versions of every stream, in the given (global) order, and returns the version each
   * stream was at. Consecutive streams of the same kind are claimed with one statement each: new
   * streams (expected version 0) with one multi-row insert, existing ones with one ordered row lock
   * and one update, so a batch that appends to hundreds of streams costs a handful of round trips.
   */
  private async claimAll(
    tx: SqlExecutor,
    ordered: readonly AppendToStream[],
  ): Promise<Map<AppendToStream, number>> {
    const claimed = new Map<AppendToStream, number>();
    const kind = (s: AppendToStream) =>
      s.expectedVersion === 'any' ? 'any' : s.expectedVersion === 0 ? 'new' : 'existing';
    for (let start = 0; start < ordered.length;) {
      let end = start + 1;
      while (
        end < ordered.length &&
        kind(ordered[end]) === kind(ordered[start]) &&
        kind(ordered[start]) !== 'any'
      )
        end++;
      const run = ordered.slice(start, end);
      if (run.length === 1) claimed.set(run[0], await this.claimVersions(tx, run[0]));
      else if (kind(run[0]) === 'new') await this.claimNewStreams(tx, run, claimed);
      else await this.claimExistingStreams(tx, run, claimed);
      start = end;
    }
    return claimed;
  }

  private async claimNewStreams(
    tx: SqlExecutor,
    run: readonly AppendToStream[],
    claimed: Map<AppendToStream, number>,
  ) {
    const inserted = await this.insertStreams(tx, run);
    const taken = run.find((s) => !inserted.has(streamKey(s.aggregateType, s.aggregateId)));
    if (taken) {
      throw new StreamVersionConflictError(
        `${taken.aggregateType}:${taken.aggregateId}`,
        0,
        await this.streamVersion(tx, taken.aggregateType, taken.aggregateId),
      );
    }
    for (const stream of run) claimed.set(stream, 0);
  }

  private async claimExistingStreams(
    tx: SqlExecutor,
    run: readonly AppendToStream[],
    claimed: Map<AppendToStream, number>,
  ) {
    // A stream that did not move conflicts; the caller's transaction then rolls back, moves included.
    const moved = await this.moveStreams(tx, run);
    for (const stream of run) {
      const row = moved.get(streamKey(stream.aggregateType, stream.aggregateId));
      if (!row?.moved) {
        throw new StreamVersionConflictError(
          `${stream.aggregateType}:${stream.aggregateId}`,
          stream.expectedVersion,
          row?.version ?? null,
        );
      }
      claimed.set(stream, stream.expectedVersion as number);
    }
  }

  /**
   * Inserts the rows of new streams (at the version their events bring them to) where free, in
   * the given (global) order: unnest keeps the array order, so the keys are locked in that order.
   * Returns the keys (see streamKey) it inserted; the others were taken.
   */
  private async insertStreams(tx: SqlExecutor, streams: readonly AppendToStream[]): Promise<Set<string>> {
    if (streams.length === 0) return new Set();
    const rows: { aggregate_type: string; aggregate_id: string }[] = await tx.query(
      `INSERT INTO es_streams (aggregate_type, aggregate_id, version)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
       ON CONFLICT (aggregate_type, aggregate_id) DO NOTHING RETURNING aggregate_type, aggregate_id`,
      [
        streams.map((s) => s.aggregateType),
        streams.map((s) => s.aggregateId),
        streams.map((s) => s.events.length),
      ],
    );
    return new Set(rows.map((r) => streamKey(r.aggregate_type, r.aggregate_id)));
  }

  /**
   * One statement for existing streams, given in the global order: locks their rows in that order
   * (the lateral walk follows the array) and moves those still at their expected version on by
   * their events. Returns, by key (see streamKey), each found row's version before and whether it
   * moved; a stream with no row is absent.
   */
  private async moveStreams(
    tx: SqlExecutor,
    streams: readonly AppendToStream[],
  ): Promise<Map<string, { version: number; moved: boolean }>> {
    if (streams.length === 0) return new Map();
    const rows: { aggregate_type: string; aggregate_id: string; version: number; moved: boolean }[] =
      await tx.query(
        `WITH wanted AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])
             WITH ORDINALITY AS w(aggregate_type, aggregate_id, expected, next, position)),
         locked AS (
           SELECT s.aggregate_type, s.aggregate_id, s.version, s.row_id, w.expected, w.next
           FROM wanted w CROSS JOIN LATERAL (
             SELECT aggregate_type, aggregate_id, version, ctid AS row_id FROM es_streams
             WHERE aggregate_type = w.aggregate_type AND aggregate_id = w.aggregate_id FOR UPDATE) s
           ORDER BY w.position),
         moved AS (
           UPDATE es_streams s SET version = l.next, updated_at = now()
           FROM locked l WHERE s.ctid = l.row_id AND l.version = l.expected
           RETURNING s.aggregate_type, s.aggregate_id)
         SELECT l.aggregate_type, l.aggregate_id, l.version,
                EXISTS (SELECT 1 FROM moved m WHERE m.aggregate_type = l.aggregate_type
                        AND m.aggregate_id = l.aggregate_id) AS moved
         FROM locked l`,
        [
          streams.map((s) => s.aggregateType),
          streams.map((s) => s.aggregateId),
          streams.map((s) => s.expectedVersion as number),
          streams.map((s) => (s.expectedVersion as number) + s.events.length),
        ],
      );
    return new Map(rows.map((r) => [streamKey(r.aggregate_type, r.aggregate_id), r]));
  }

  /** Claims the next versions of a stream and returns the version before them. */
  private async claimVersions(tx: SqlExecutor, stream: AppendToStream): Promise<number> {
    const count = stream.events.length;
    const { aggregateType, aggregateId, expectedVersion } = stream;
    if (expectedVersion === 'any') {
      const rows: { version: number }[] = await tx.query(
        `INSERT INTO es_streams (aggregate_type, aggregate_id, version) VALUES ($1, $2, $3)
         ON CONFLICT (aggregate_type, aggregate_id)
         DO UPDATE SET version = es_streams.version + $3, updated_at = now()
         RETURNING version`,
        [aggregateType, aggregateId, count],
      );
      return rows[0].version - count;
    }
    const rows: unknown[] =
      expectedVersion === 0
        ? await tx.query(
            `INSERT INTO es_streams (aggregate_type, aggregate_id, version) VALUES ($1, $2, $3)
             ON CONFLICT (aggregate_type, aggregate_id) DO NOTHING RETURNING version`,
            [aggregateType, aggregateId, count],
          )
        : await tx.query(
            // As a CTE so the driver returns plain rows (TypeORM returns [rows, count] for UPDATE).
            `WITH claimed AS (
               UPDATE es_streams SET version = $4, updated_at = now()
               WHERE aggregate_type = $1 AND aggregate_id = $2 AND version = $3 RETURNING version)
             SELECT version FROM claimed`,
            [aggregateType, aggregateId, expectedVersion, expectedVersion + count],
          );
    if (rows.length === 0) {
      throw new StreamVersionConflictError(
        `${aggregateType}:${aggregateId}`,
        expectedVersion,
        await this.streamVersion(tx, aggregateType, aggregateId),
      );
    }
    return expectedVersion;
  }

  private async applyInlineProjections(tx: SqlExecutor, events: RecordedEvent[]): Promise<void> {
    for (const projection of this.inlineProjections) {
      const relevant = events.filter((e) => projection.handles.includes(e.type));
      if (relevant.length > 0) await projection.apply(tx, relevant);
    }
  }

  /** Whether the transaction `tx` belongs to appended events (so its commit has outbox rows to publish). */
  queuedOutboxIn(tx: SqlExecutor): boolean {
    return this.queuedIn.has(transactionOf(tx));
  }

  /** Current version of a stream, or null if it has no events. */
  async streamVersion(sql: SqlExecutor, aggregateType: string, aggregateId: string): Promise<number | null> {
    const rows: { version: number }[] = await sql.query(
      `SELECT version FROM es_streams WHERE aggregate_type = $1 AND aggregate_id = $2`,
      [aggregateType, aggregateId],
    );
    return rows.length ? rows[0].version : null;
  }

  async readStream(
    sql: SqlExecutor,
    aggregateType: string,
    aggregateId: string,
    afterSequence = 0,
  ): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await sql.query(
      `SELECT * FROM es_events WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence > $3 ORDER BY sequence`,
      [aggregateType, aggregateId, afterSequence],
    );
    return rows.map((row) => recordedEventFromRow(row, this.options.source));
  }

  /**
   * Reads the global log in position order. Positions come from a sequence, so a reader that runs
   * while appends are in flight can see a gap filled later; use it for rebuilds and audits, not as a
   * live subscription (that is what the outbox and Kafka are for).
   */
  async readAll(
    sql: SqlExecutor,
    afterPosition = '0',
    limit = 1000,
    types?: readonly string[],
  ): Promise<RecordedEvent[]> {
    const rows: EventRow[] = types
      ? await sql.query(
          `SELECT * FROM es_events WHERE global_position > $1 AND type = ANY($3) ORDER BY global_position LIMIT $2`,
          [afterPosition, limit, types],
        )
      : await sql.query(
          `SELECT * FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
          [afterPosition, limit],
        );
    return rows.map((row) => recordedEventFromRow(row, this.options.source));
  }

  /** Empties an inline projection and replays the whole log through it, in one transaction. */
  async rebuildInlineProjection(
    tx: SqlExecutor,
    projection: InlineProjection,
    pageSize = 1000,
  ): Promise<number> {
    await projection.reset(tx);
    let position = '0';
    let applied = 0;
    for (;;) {
      const page = await this.readAll(tx, position, pageSize, projection.handles);
      if (page.length === 0) return applied;
      await projection.apply(tx, page);
      applied += page.length;
      position = page[page.length - 1].globalPosition;
    }
  }

  /**
   * Locks the existing stream rows of these aggregates until the end of the transaction, in one
   * global order (so two lockers cannot deadlock). A batch that holds them appends without version
   * conflicts; a writer that does not wait for them meets a conflict and retries. Returns the
   * current versions of the streams that exist.
   */
  async lockStreams(
    tx: SqlExecutor,
    aggregateType: string,
    aggregateIds: readonly string[],
  ): Promise<Map<string, number>> {
    const rows = await this.lockStreamRows(tx, aggregateType, aggregateIds);
    return new Map([...rows].map(([id, row]) => [id, row.version]));
  }

  /**
   * Locks stream rows in the global order (the order append() claims them in, so lockers and
   * appenders cannot deadlock). The lateral lookup makes it one primary-key probe per id, however
   * large es_streams grows (one row per aggregate). Returns the version and row id of each.
   */
  private async lockStreamRows(
    tx: SqlExecutor,
    aggregateType: string,
    aggregateIds: readonly string[],
  ): Promise<Map<string, { version: number; rowId: string }>> {
    if (aggregateIds.length === 0) return new Map();
    const ids = [...new Set(aggregateIds)].sort((a, b) => a.localeCompare(b));
    const rows: { aggregate_id: string; version: number; row_id: string }[] = await tx.query(
      `SELECT s.aggregate_id, s.version, s.row_id
       FROM unnest($2::text[]) WITH ORDINALITY AS w(aggregate_id, position)
       CROSS JOIN LATERAL (
         SELECT aggregate_id, version, ctid::text AS row_id FROM es_streams
         WHERE aggregate_type = $1 AND aggregate_id = w.aggregate_id FOR UPDATE) s
       ORDER BY w.position`,
      [aggregateType, ids],
    );
    return new Map(rows.map((r) => [r.aggregate_id, { version: r.version, rowId: r.row_id }]));
  }

  /** Snapshots of several aggregates of one type in one query (aggregates without one are absent). */
  async loadSnapshots(
    sql: SqlExecutor,
    aggregateType: string,
    aggregateIds: readonly string[],
  ): Promise<Map<string, { version: number; schemaVersion: number; state: unknown }>> {
    if (aggregateIds.length === 0) return new Map();
    const rows: { aggregate_id: string; version: number; schema_version: number; state: unknown }[] =
      await sql.query(
        `SELECT aggregate_id, version, schema_version, state FROM es_snapshots
       WHERE aggregate_type = $1 AND aggregate_id = ANY($2::text[])`,
        [aggregateType, [...new Set(aggregateIds)]],
      );
    return new Map(
      rows.map((r) => [
        r.aggregate_id,
        { version: r.version, schemaVersion: r.schema_version, state: r.state },
      ]),
    );
  }

  /**
   * Reads several streams of one type in one query: for each aggregate id, its events after the
   * given sequence, in sequence order. Aggregates without such events are absent from the result.
   */
  async readStreams(
    sql: SqlExecutor,
    aggregateType: string,
    afterSequence: ReadonlyMap<string, number>,
  ): Promise<Map<string, RecordedEvent[]>> {
    const result = new Map<string, RecordedEvent[]>();
    if (afterSequence.size === 0) return result;
    // One index range scan per stream (lateral), whatever the planner thinks of the table's size.
    const rows: EventRow[] = await sql.query(
      `SELECT e.* FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS s(aggregate_id, after_sequence, position)
       CROSS JOIN LATERAL (
         SELECT * FROM es_events
         WHERE aggregate_type = $1 AND aggregate_id = s.aggregate_id AND sequence > s.after_sequence) e
       ORDER BY s.position, e.sequence`,
      [aggregateType, [...afterSequence.keys()], [...afterSequence.values()]],
    );
    for (const row of rows) {
      const events = result.get(row.aggregate_id) ?? [];
      events.push(recordedEventFromRow(row, this.options.source));
      result.set(row.aggregate_id, events);
    }
    return result;
  }

  async loadSnapshot(
    sql: SqlExecutor,
    aggregateType: string,
    aggregateId: string,
  ): Promise<{ version: number; schemaVersion: number; state: unknown } | null> {
    const rows: { version: number; schema_version: number; state: unknown }[] = await sql.query(
      `SELECT version, schema_version, state FROM es_snapshots WHERE aggregate_type = $1 AND aggregate_id = $2`,
      [aggregateType, aggregateId],
    );
    return rows.length
      ? { version: rows[0].version, schemaVersion: rows[0].schema_version, state: rows[0].state }
      : null;
  }

  async saveSnapshot(
    sql: SqlExecutor,
    aggregateType: string,
    aggregateId: string,
    version: number,
    schemaVersion: number,
    state: unknown,
  ): Promise<void> {
    await sql.query(
      `INSERT INTO es_snapshots (aggregate_type, aggregate_id, version, schema_version, state)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE
         SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version, state = EXCLUDED.state,
             created_at = now()
         WHERE es_snapshots.version < EXCLUDED.version`,
      [aggregateType, aggregateId, version, schemaVersion, JSON.stringify(state)],
    );
  }
}
