import type { EventEnvelope } from '@ecom/contracts';
import type { SqlExecutor } from '../sql-executor';

/**
 * A read model the owning service keeps in its own database, updated in the same transaction as
 * the append that produced the events, so it is never behind its writes. It can be rebuilt from the
 * event store (reset, then replay every event it handles) and must come out identical.
 */
export interface InlineProjection<E extends EventEnvelope = EventEnvelope> {
  readonly name: string;
  /** Event types it applies; others are not passed to it. */
  readonly handles: readonly E['type'][];
  /**
   * `E` is the union of the envelopes it handles (e.g. `EnvelopeOf<'OrderPlaced' | 'OrderPaid'>`):
   * the store only passes those types, so `switch (event.type)` narrows `event.data` without a cast.
   */
  apply(sql: SqlExecutor, events: E[]): Promise<void>;
  /** Empties the read model before a rebuild. */
  reset(sql: SqlExecutor): Promise<void>;
}
