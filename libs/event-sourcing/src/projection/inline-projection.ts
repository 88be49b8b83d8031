import type { RecordedEvent } from '../event-store/recorded-event';
import type { SqlExecutor } from '../sql-executor';

/**
 * A read model the owning service keeps in its own database, updated in the same transaction as
 * the append that produced the events, so it is never behind its writes. It can be rebuilt from the
 * event store (reset, then replay every event it handles) and must come out identical.
 */
export interface InlineProjection {
  readonly name: string;
  /** Event types it applies; others are not passed to it. */
  readonly handles: readonly string[];
  apply(sql: SqlExecutor, events: RecordedEvent[]): Promise<void>;
  /** Empties the read model before a rebuild. */
  reset(sql: SqlExecutor): Promise<void>;
}
