/**
 * A domain event as an aggregate decides it: its type and data. Envelope fields (ids, sequence,
 * times, correlation) are added by the event store, so the domain stays free of I/O concerns.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  type: TType;
  data: TData;
}

/**
 * An event-sourced aggregate as pure functions: state is a left fold of `evolve` over its events.
 * Decisions are plain functions `(state, command) => events` that live beside the definition.
 */
export interface AggregateDefinition<TState, TEvent extends DomainEvent> {
  /** aggregateType in envelopes, e.g. "Order". */
  readonly type: string;
  readonly initialState: TState;
  evolve(state: TState, event: TEvent): TState;
  /**
   * Take a snapshot every N events (a hot SKU's stream grows fast during a flash sale). The state
   * must then be JSON-serialisable, or provide toSnapshot/fromSnapshot.
   */
  readonly snapshotEvery?: number;
  /** Bump when the state shape changes: older snapshots are then ignored and the stream replayed. */
  readonly snapshotSchemaVersion?: number;
  toSnapshot?(state: TState): unknown;
  fromSnapshot?(snapshot: unknown): TState;
}

export function foldEvents<TState, TEvent extends DomainEvent>(
  definition: AggregateDefinition<TState, TEvent>,
  events: readonly TEvent[],
  from: TState = definition.initialState,
): TState {
  return events.reduce((state, event) => definition.evolve(state, event), from);
}
