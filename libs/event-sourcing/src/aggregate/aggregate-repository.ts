import type { EventContext } from '@ecom/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { AggregateDefinition, DomainEvent, foldEvents } from '../domain/aggregate-definition';
import { DomainError } from '../domain/domain-error';
import { retryOnVersionConflict, StreamVersionConflictError } from '../event-store/event-store.errors';
import type { PostgresEventStore } from '../event-store/postgres-event-store';
import type { GroupCommitter } from '../event-store/group-commit';
import type { RecordedEvent } from '../event-store/recorded-event';
import type { SqlExecutor } from '../sql-executor';

export interface LoadedAggregate<TState> {
  state: TState;
  /** Stream version the state reflects; 0 when the aggregate has no events yet. */
  version: number;
}

export interface CommandResult<TState> extends LoadedAggregate<TState> {
  /** Events this command appended (empty when the decision was a no-op). */
  events: RecordedEvent[];
}

/** Decides the events of a command from the current state; throws a DomainError to refuse it. */
export type Decide<TState, TEvent extends DomainEvent> = (
  state: TState,
  version: number,
) => readonly TEvent[] | Promise<readonly TEvent[]>;

/** One command of a batch: which aggregate, how to decide, and the context its events carry. */
export interface BatchedCommand<TState, TEvent extends DomainEvent> {
  aggregateId: string;
  decide: (state: TState, version: number) => readonly TEvent[];
  context: EventContext;
}

/** What became of one command of a batch: its events, or the DomainError that refused it. */
export type BatchedCommandResult<TState> =
  { ok: true; result: CommandResult<TState> } | { ok: false; error: DomainError };

export interface ExecuteOptions {
  /** Run inside this transaction (a consumer's, or a command that writes more than one aggregate). */
  tx?: EntityManager;
  /** A client-supplied version: when it is no longer current the command conflicts at once (no retry). */
  expectedVersion?: number;
  /**
   * Lock the aggregate's stream from load to append, in a transaction of its own (or `tx`): for a
   * command whose decision calls the outside world (a payment gateway) and must not be decided twice.
   */
  lock?: boolean;
}

export interface AggregateRepositoryOptions {
  /** Attempts before a version conflict is given up to the caller (as a 409). */
  maxAttempts?: number;
  /**
   * Commits commands given no transaction together with the ones that arrive at the same time
   * (group commit). Without it each such command commits in a transaction of its own.
   */
  committer?: GroupCommitter;
}

/**
 * Load, decide, append for one aggregate type: the shape of every command use case.
 * On a version conflict (someone appended between load and append) it reloads and decides again,
 * so concurrent commands on one aggregate serialise without losing an update.
 */
export class AggregateRepository<TState, TEvent extends DomainEvent> {
  private readonly maxAttempts: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PostgresEventStore,
    readonly definition: AggregateDefinition<TState, TEvent>,
    private readonly options: AggregateRepositoryOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 25;
  }

  /** The state a snapshot holds, or null when there is none or it was taken of an older state shape. */
  private restore(
    snapshot: { version: number; schemaVersion: number; state: unknown } | null | undefined,
  ): LoadedAggregate<TState> | null {
    const def = this.definition;
    if (!snapshot || snapshot.schemaVersion !== (def.snapshotSchemaVersion ?? 1)) return null;
    const state = def.fromSnapshot ? def.fromSnapshot(snapshot.state) : (snapshot.state as TState);
    return { state, version: snapshot.version };
  }

  async load(sql: SqlExecutor, aggregateId: string): Promise<LoadedAggregate<TState>> {
    const def = this.definition;
    let state = def.initialState;
    let version = 0;
    if (def.snapshotEvery) {
      const restored = this.restore(await this.store.loadSnapshot(sql, def.type, aggregateId));
      if (restored) ({ state, version } = restored);
    }
    const events = await this.store.readStream(sql, def.type, aggregateId, version);
    if (events.length > 0) {
      state = foldEvents(def, events as unknown as TEvent[], state);
      version = events[events.length - 1].sequence;
    }
    return { state, version };
  }

  /**
   * Loads several aggregates with two queries (their snapshots, then the events after them), e.g.
   * every SKU a batch of orders touches. With `lock`, their stream rows are first locked until the
   * end of the transaction `sql` belongs to, so the states stay current and appends at the loaded
   * versions cannot conflict. Every id gets an entry (version 0 and the initial state when new).
   */
  async loadMany(
    sql: SqlExecutor,
    aggregateIds: readonly string[],
    options: { lock?: boolean } = {},
  ): Promise<Map<string, LoadedAggregate<TState>>> {
    const def = this.definition;
    const ids = [...new Set(aggregateIds)];
    if (options.lock) await this.store.lockStreams(sql, def.type, ids);
    const loaded = new Map<string, LoadedAggregate<TState>>();
    for (const id of ids) loaded.set(id, { state: def.initialState, version: 0 });
    if (def.snapshotEvery) {
      const snapshots = await this.store.loadSnapshots(sql, def.type, ids);
      for (const [id, snapshot] of snapshots) {
        const restored = this.restore(snapshot);
        if (restored) loaded.set(id, restored);
      }
    }
    const streams = await this.store.readStreams(
      sql,
      def.type,
      new Map(ids.map((id) => [id, loaded.get(id)!.version])),
    );
    for (const [id, events] of streams) {
      const from = loaded.get(id)!;
      loaded.set(id, {
        state: foldEvents(def, events as unknown as TEvent[], from.state),
        version: events[events.length - 1].sequence,
      });
    }
    return loaded;
  }

  /**
   * Runs a command in its own transaction (or in `tx` if given, e.g. inside a consumer's transaction)
   * and returns the new state. With `expectedVersion`, a client-supplied version that is no longer
   * current is a conflict right away instead of a retry.
   */
  async execute(
    aggregateId: string,
    decide: Decide<TState, TEvent>,
    context: EventContext,
    options: ExecuteOptions = {},
  ): Promise<CommandResult<TState>> {
    const committer = options.lock ? undefined : this.options.committer;
    return retryOnVersionConflict(() => {
      if (options.tx) return this.attempt(options.tx, aggregateId, decide, context, options);
      if (committer) return this.attemptGrouped(committer, aggregateId, decide, context, options);
      return this.dataSource.transaction((tx) => this.attempt(tx, aggregateId, decide, context, options));
    }, this.maxAttempts);
  }

  /** Load and decide outside a transaction, then append through the group commit (checked against the loaded version). */
  private async attemptGrouped(
    committer: GroupCommitter,
    aggregateId: string,
    decide: Decide<TState, TEvent>,
    context: EventContext,
    { expectedVersion }: ExecuteOptions,
  ): Promise<CommandResult<TState>> {
    const def = this.definition;
    const loaded = await this.load(this.dataSource, aggregateId);
    this.requireVersion(aggregateId, loaded, expectedVersion);
    const decided = await decide(loaded.state, loaded.version);
    if (decided.length === 0) return { ...loaded, events: [] };
    const state = foldEvents(def, decided, loaded.state);
    const version = loaded.version + decided.length;
    const recorded = await committer.commit({
      streams: [{ aggregateType: def.type, aggregateId, expectedVersion: loaded.version, events: decided }],
      context,
      alsoWrite: (tx) => this.maybeSnapshot(tx, aggregateId, loaded.version, version, state),
    });
    return { state, version, events: recorded };
  }

  private async attempt(
    tx: EntityManager,
    aggregateId: string,
    decide: Decide<TState, TEvent>,
    context: EventContext,
    { expectedVersion, lock }: ExecuteOptions,
  ): Promise<CommandResult<TState>> {
    const def = this.definition;
    const loaded = lock
      ? (await this.loadMany(tx, [aggregateId], { lock: true })).get(aggregateId)!
      : await this.load(tx, aggregateId);
    this.requireVersion(aggregateId, loaded, expectedVersion);
    const decided = await decide(loaded.state, loaded.version);
    if (decided.length === 0) return { ...loaded, events: [] };
    const recorded = await this.store.append(
      tx,
      [{ aggregateType: def.type, aggregateId, expectedVersion: loaded.version, events: decided }],
      context,
    );
    const state = foldEvents(def, decided, loaded.state);
    const version = loaded.version + decided.length;
    await this.maybeSnapshot(tx, aggregateId, loaded.version, version, state);
    return { state, version, events: recorded };
  }

  /** A client-supplied version that is no longer current is a conflict right away. */
  private requireVersion(
    aggregateId: string,
    loaded: LoadedAggregate<TState>,
    expectedVersion?: number,
  ): void {
    if (expectedVersion !== undefined && expectedVersion !== loaded.version) {
      throw new StreamVersionConflictError(
        `${this.definition.type}:${aggregateId}`,
        expectedVersion,
        loaded.version,
        false,
      );
    }
  }

  /** Saves a snapshot when the append crossed a multiple of `snapshotEvery`. */
  async maybeSnapshot(sql: SqlExecutor, aggregateId: string, before: number, after: number, state: TState) {
    const every = this.definition.snapshotEvery;
    if (!every || Math.floor(after / every) === Math.floor(before / every)) return;
    const def = this.definition;
    await this.store.saveSnapshot(
      sql,
      def.type,
      aggregateId,
      after,
      def.snapshotSchemaVersion ?? 1,
      def.toSnapshot ? def.toSnapshot(state) : state,
    );
  }
}
