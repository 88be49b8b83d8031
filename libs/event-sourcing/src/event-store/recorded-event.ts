import type { EventEnvelope } from '@ecom/contracts';

/** An event as stored: the public envelope plus its position in the service's global log. */
export interface RecordedEvent<TData = unknown> extends EventEnvelope<TData> {
  /** Global position in this service's event store (bigint as a decimal string). */
  globalPosition: string;
}

export interface EventRow {
  global_position: string;
  event_id: string;
  aggregate_type: string;
  aggregate_id: string;
  sequence: number;
  type: string;
  schema_version: number;
  data: unknown;
  correlation_id: string;
  causation_id: string | null;
  occurred_at: Date;
}

export function recordedEventFromRow(row: EventRow, source: string): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    version: row.schema_version,
    source,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    sequence: row.sequence,
    occurredAt: row.occurred_at.toISOString(),
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    data: row.data,
    globalPosition: String(row.global_position),
  };
}

/** The envelope without the store-internal position: what goes on the wire. */
export function toEnvelope(event: RecordedEvent): EventEnvelope {
  const { globalPosition: _position, ...envelope } = event;
  return envelope;
}
