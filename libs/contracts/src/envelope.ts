/**
 * The envelope every message on an event topic carries (docs/contract.md section 3). It is the public
 * contract with downstream consumers: fields are only ever added, never renamed or dropped.
 */
export interface EventEnvelope<TData = unknown, TType extends string = string> {
  /** Time-ordered UUID (v7) of this event; consumers dedupe on it. */
  id: string;
  type: TType;
  /** Schema version of `data` for this event type. */
  version: number;
  /** The service that produced the event, e.g. "orders". */
  source: string;
  aggregateType: string;
  aggregateId: string;
  /** Version of the aggregate's stream after this event (1-based, gapless per aggregate). */
  sequence: number;
  /** ISO-8601 with milliseconds, UTC. */
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  data: TData;
}

/** Where an event came from, carried on from HTTP requests into events and through consumers. */
export interface EventContext {
  correlationId: string;
  causationId?: string | null;
}
