import type { EventContext } from '@ecom/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { AggregateDefinition, DomainEvent } from '../domain/aggregate-definition';
import { DomainError } from '../domain/domain-error';
import {
  AggregateRepository,
  BatchedCommand,
  BatchedCommandResult,
  CommandResult,
  Decide,
  LoadedAggregate,
} from '../aggregate/aggregate-repository';
import { retryOnVersionConflict } from '../event-store/event-store.errors';
import type { CommitRequest, GroupCommitter } from '../event-store/group-commit';
import {
  AppendToStream,
  EventToAppend,
  PostgresEventStore,
  streamKey,
} from '../event-store/postgres-event-store';
import type { RecordedEvent } from '../event-store/recorded-event';
import type { SqlExecutor } from '../sql-executor';

/** Work that must wait for the commit (refreshing a cache): given a connection, run once, never on rollback. */
export type AfterCommitWork = (sql: SqlExecutor) => Promise<void> | void;

export interface SessionExecuteOptions {
  /** A client-supplied version: when it is no longer current the command conflicts (409, no retry). */
  expectedVersion?: number;
  /**
   * Lock the aggregate's stream (if it exists: creators of a new stream race on its version instead)
   * from load to append: for a command whose decision calls the outside
   * world (a payment gateway) and must not be decided twice, or one that should queue behind a
   * consumer batch holding the same stream instead of losing the optimistic race.
   */
  lock?: boolean;
}

/** Hands out one repository per aggregate definition (they hold no state besides the definition). */
class Repositories {
  private readonly byType = new Map<string, AggregateRepository<unknown, DomainEvent>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PostgresEventStore,
    private readonly committer?: GroupCommitter,
  ) {}

  of<TState, TEvent extends DomainEvent>(
    aggregate: AggregateDefinition<TState, TEvent>,
  ): AggregateRepository<TState, TEvent> {
    let repository = this.byType.get(aggregate.type);
    if (!repository || repository.definition !== (aggregate as unknown)) {
      repository = new AggregateRepository(this.dataSource, this.store, aggregate, {
        committer: this.committer,
      }) as unknown as AggregateRepository<unknown, DomainEvent>;
      this.byType.set(aggregate.type, repository);
    }
    return repository as unknown as AggregateRepository<TState, TEvent>;
  }
}

/**
 * Aggregates of one type loaded into a session for decisions taken in memory: each decision reads
 * `state(id)`, and `record(id, events, context)` moves the state on, so the next decision sees it.
 * What was recorded is appended by the session's `flush` (at the latest before the commit), one
 * append for every tracked aggregate of every type, at the versions they were loaded at.
 */
export class TrackedAggregates<TState, TEvent extends DomainEvent> {
  private readonly pending = new Map<string, { state: TState; events: EventToAppend[] }>();

  constructor(
    private readonly repository: AggregateRepository<TState, TEvent>,
    private readonly loaded: Map<string, LoadedAggregate<TState>>,
  ) {}

  /** The state after what was recorded so far; throws for an id that was not loaded. */
  state(aggregateId: string): TState {
    return this.pending.get(aggregateId)?.state ?? this.current(aggregateId).state;
  }

  version(aggregateId: string): number {
    return this.current(aggregateId).version + (this.pending.get(aggregateId)?.events.length ?? 0);
  }

  /** Records decided events (with the context they carry) and returns the state they lead to. */
  record(aggregateId: string, events: readonly TEvent[], context: EventContext): TState {
    let state = this.state(aggregateId);
    if (events.length === 0) return state;
    const pending = this.pending.get(aggregateId) ?? { state, events: [] };
    for (const event of events) {
      state = this.repository.definition.evolve(state, event);
      pending.events.push({ ...event, context });
    }
    pending.state = state;
    this.pending.set(aggregateId, pending);
    return state;
  }

  /** The streams to append (taken: recording starts afresh from the appended versions). */
  takeStreams(): { streams: AppendToStream[]; snapshot: (sql: SqlExecutor) => Promise<void> } {
    const type = this.repository.definition.type;
    const streams: AppendToStream[] = [];
    const snapshots: { id: string; before: number; after: number; state: TState }[] = [];
    for (const [aggregateId, { state, events }] of this.pending) {
      const before = this.current(aggregateId).version;
      streams.push({ aggregateType: type, aggregateId, expectedVersion: before, events });
      snapshots.push({ id: aggregateId, before, after: before + events.length, state });
      this.loaded.set(aggregateId, { state, version: before + events.length });
    }
    this.pending.clear();
    return {
      streams,
      snapshot: async (sql) => {
        for (const { id, before, after, state } of snapshots) {
          await this.repository.maybeSnapshot(sql, id, before, after, state);
        }
      },
    };
  }

  private current(aggregateId: string): LoadedAggregate<TState> {
    const loaded = this.loaded.get(aggregateId);
    if (!loaded)
      throw new Error(`${this.repository.definition.type} ${aggregateId} was not loaded into the session`);
    return loaded;
  }
}

/**
 * One transaction of command handling: load aggregates (optionally locked), decide, append to one
 * or several streams, write the service's own rows through `sql`, and register work for after the
 * commit. Events, outbox rows, inline read models and snapshots commit together; the outbox relay
 * wakes after the commit by itself. Get one from `CommandSessions.run` or, in a consumer, as the
 * second argument of the handler.
 */
export class CommandSession {
  private readonly afterCommitWork = new Map<string, AfterCommitWork>();
  private readonly tracked: TrackedAggregates<unknown, DomainEvent>[] = [];

  constructor(
    /** The session's transaction: read facts and write the service's own tables with it. */
    readonly sql: EntityManager,
    private readonly repositories: Repositories,
    private readonly store: PostgresEventStore,
  ) {}

  /** The aggregate's current state and version (with `lock`, held until the commit). */
  async load<TState, TEvent extends DomainEvent>(
    aggregate: AggregateDefinition<TState, TEvent>,
    aggregateId: string,
    options: { lock?: boolean } = {},
  ): Promise<LoadedAggregate<TState>> {
    const repository = this.repositories.of(aggregate);
    if (!options.lock) return repository.load(this.sql, aggregateId);
    return (await repository.loadMany(this.sql, [aggregateId], { lock: true })).get(aggregateId)!;
  }

  /** Several aggregates of one type with two queries; every id gets an entry (version 0 when new). */
  loadMany<TState, TEvent extends DomainEvent>(
    aggregate: AggregateDefinition<TState, TEvent>,
    aggregateIds: readonly string[],
    options: { lock?: boolean } = {},
  ): Promise<Map<string, LoadedAggregate<TState>>> {
    return this.repositories.of(aggregate).loadMany(this.sql, aggregateIds, options);
  }

  /** Load, decide, append (and snapshot) one aggregate in this session's transaction. */
  execute<TState, TEvent extends DomainEvent>(
    aggregate: AggregateDefinition<TState, TEvent>,
    aggregateId: string,
    decide: Decide<TState, TEvent>,
    context: EventContext,
    options: SessionExecuteOptions = {},
  ): Promise<CommandResult<TState>> {
    return this.repositories
      .of(aggregate)
      .execute(aggregateId, decide, context, { ...options, tx: this.sql });
  }

  /**
   * Many commands on aggregates of one type with one locked load and one append per stream; each
   * decides on the state the ones before it left. A command refused with a DomainError leaves no
   * event and is reported as such; the others go on.
   */
  async executeBatch<TState, TEvent extends DomainEvent>(
    aggregate: AggregateDefinition<TState, TEvent>,
    commands: readonly BatchedCommand<TState, TEvent>[],
  ): Promise<BatchedCommandResult<TState>[]> {
    if (commands.length === 0) return [];
    const tracked = await this.track(
      aggregate,
      commands.map((c) => c.aggregateId),
      { lock: true },
    );
    const results: BatchedCommandResult<TState>[] = [];
    /** Where each command's events sit in its stream's append, to hand it its recorded events. */
    const slices: { result: CommandResult<TState>; key: string; from: number; count: number }[] = [];
    const appended = new Map<string, number>();
    for (const command of commands) {
      const id = command.aggregateId;
      const version = tracked.version(id);
      let decided: readonly TEvent[];
      try {
        decided = command.decide(tracked.state(id), version);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({ ok: false, error });
        continue;
      }
      const state = tracked.record(id, decided, command.context);
      const result: CommandResult<TState> = { state, version: version + decided.length, events: [] };
      const key = streamKey(aggregate.type, id);
      const from = appended.get(key) ?? 0;
      appended.set(key, from + decided.length);
      slices.push({ result, key, from, count: decided.length });
      results.push({ ok: true, result });
    }
    const byStream = new Map<string, RecordedEvent[]>();
    for (const event of await this.flush()) {
      const key = streamKey(event.aggregateType, event.aggregateId);
      byStream.set(key, [...(byStream.get(key) ?? []), event]);
    }
    for (const { result, key, from, count } of slices) {
      result.events = (byStream.get(key) ?? []).slice(from, from + count);
    }
    return results;
  }

  /**
   * Loads aggregates for decisions taken in memory across several aggregates and types (a saga
   * step that reads every SKU of an order and writes them and the order's reservation): see
   * TrackedAggregates. With `lock` the streams stay locked until the commit, so the appends at the
   * loaded versions cannot conflict.
   */
  async track<TState, TEvent extends DomainEvent>(
    aggregate: AggregateDefinition<TState, TEvent>,
    aggregateIds: readonly string[],
    options: { lock?: boolean } = {},
  ): Promise<TrackedAggregates<TState, TEvent>> {
    const repository = this.repositories.of(aggregate);
    const tracked = new TrackedAggregates(
      repository,
      await repository.loadMany(this.sql, aggregateIds, options),
    );
    this.tracked.push(tracked as unknown as TrackedAggregates<unknown, DomainEvent>);
    return tracked;
  }

  /**
   * Appends what the tracked aggregates recorded since the last flush, in one append over all their
   * streams (each at the version it was loaded at), then snapshots. Runs by itself before the commit.
   */
  async flush(context: EventContext = { correlationId: 'flush' }): Promise<RecordedEvent[]> {
    const taken = this.tracked.map((tracked) => tracked.takeStreams());
    const streams = taken.flatMap((t) => t.streams);
    if (streams.length === 0) return [];
    // Every event carries its own context (recorded with it); `context` only fills a gap.
    const recorded = await this.store.append(this.sql, streams, context);
    for (const { snapshot } of taken) await snapshot(this.sql);
    return recorded;
  }

  /** Appends events decided elsewhere (each stream checked against its expected version). */
  append(streams: readonly AppendToStream[], context: EventContext): Promise<RecordedEvent[]> {
    return this.store.append(this.sql, streams, context);
  }

  /** Runs `work` once the session has committed; one piece of work per key (a later one replaces it). */
  afterCommit(key: string, work: AfterCommitWork): void {
    this.afterCommitWork.set(key, work);
  }

  /** Runs the registered after-commit work (see CommandSessions.committed); failures are reported, never thrown. */
  async runAfterCommit(sql: SqlExecutor, onError: (key: string, error: unknown) => void): Promise<void> {
    for (const [key, work] of this.afterCommitWork) {
      try {
        await work(sql);
      } catch (error) {
        onError(key, error);
      }
    }
  }
}

export interface CommandSessionsOptions {
  /** Commands given to `execute` without a lock commit together with the ones that arrive at the same time. */
  committer?: GroupCommitter;
  /** Attempts of a session that lost a version race before the conflict reaches the caller (as a 409). */
  maxAttempts?: number;
  onAfterCommitError?: (key: string, error: unknown) => void;
}

/**
 * The one way a service handles a command. `execute` for a command on one aggregate (the hot path:
 * it goes through the group commit unless it locks), `run` for a transaction that loads or writes
 * more (several aggregates, the service's own tables), `commit` for events decided outside a
 * transaction on several streams. Version conflicts are retried, snapshots taken and the relay
 * woken here, never in a handler.
 */
export class CommandSessions {
  private readonly repositories: Repositories;
  private readonly maxAttempts: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PostgresEventStore,
    private readonly options: CommandSessionsOptions = {},
  ) {
    this.repositories = new Repositories(dataSource, store, options.committer);
    this.maxAttempts = options.maxAttempts ?? 25;
  }

  /**
   * Load, decide, append for one aggregate. Without `lock` it loads outside a transaction and appends
   * through the group commit (checked against the loaded version, decided again on a conflict).
   */
  execute<TState, TEvent extends DomainEvent>(
    aggregate: AggregateDefinition<TState, TEvent>,
    aggregateId: string,
    decide: Decide<TState, TEvent>,
    context: EventContext,
    options: SessionExecuteOptions = {},
  ): Promise<CommandResult<TState>> {
    if (options.lock) {
      return this.run((session) => session.execute(aggregate, aggregateId, decide, context, options));
    }
    return this.repositories.of(aggregate).execute(aggregateId, decide, context, options);
  }

  /**
   * Runs `work` in one transaction and its after-commit work after the commit. When an append loses
   * a version race the whole session is run again on fresh state (work must therefore only write
   * through the session); a conflict with a client-supplied version is not retried.
   */
  run<T>(work: (session: CommandSession) => Promise<T>): Promise<T> {
    return retryOnVersionConflict(() => this.inTransaction(this.dataSource, work), this.maxAttempts);
  }

  /**
   * One transaction on `dataSource` (a consumer's pool) with a session, then its after-commit work.
   * No retry: the caller owns that (a consumer redoes its batch).
   */
  async inTransaction<T>(dataSource: DataSource, work: (session: CommandSession) => Promise<T>): Promise<T> {
    let session!: CommandSession;
    const result = await dataSource.transaction(async (tx) => {
      session = this.on(tx);
      const outcome = await work(session);
      await session.flush();
      return outcome;
    });
    await this.committed(session, dataSource);
    return result;
  }

  /** A session on a transaction the caller opens and commits; the caller then calls `committed`. */
  on(tx: EntityManager): CommandSession {
    return new CommandSession(tx, this.repositories, this.store);
  }

  /** Runs a committed session's after-commit work on `sql` (a connection of the pool it committed on). */
  committed(session: CommandSession, sql: SqlExecutor): Promise<void> {
    return session.runAfterCommit(sql, (key, error) => this.options.onAfterCommitError?.(key, error));
  }

  /**
   * Appends events decided outside a transaction on several streams (a cart's checkout and the order
   * it places) through the group commit, each stream checked against the version it was decided on;
   * `alsoWrite` writes the command's own rows in the same transaction. A conflict reaches the caller,
   * who reloads and decides again.
   */
  commit(request: CommitRequest): Promise<RecordedEvent[]> {
    const committer = this.options.committer;
    if (committer) return committer.commit(request);
    return this.inTransaction(this.dataSource, async (session) => {
      const recorded = await session.append(request.streams, request.context);
      await request.alsoWrite?.(session.sql);
      return recorded;
    });
  }

  /** The aggregate's committed state, read outside any transaction (a query or a decision's input). */
  load<TState, TEvent extends DomainEvent>(
    aggregate: AggregateDefinition<TState, TEvent>,
    aggregateId: string,
  ): Promise<LoadedAggregate<TState>> {
    return this.repositories.of(aggregate).load(this.dataSource, aggregateId);
  }
}
