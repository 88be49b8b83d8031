/**
 * How a trace follows an event: the append stores the W3C trace context it ran in with the event's
 * outbox row, the relay publishes the row in a PRODUCER span that continues that context and sends it
 * as the `traceparent`/`tracestate` Kafka headers, and a consumer handles the event in a CONSUMER span
 * whose parent is the context of those headers. Events appended while it handles one (a saga's
 * reaction) store that span's context, so one trace runs from the HTTP request through every hop.
 *
 * Only the OpenTelemetry API is used here: while the process does not trace (no SDK registered),
 * every call below is the API's no-op and no trace context is written or sent.
 */
import {
  Context,
  context,
  createContextKey,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/** The W3C trace context of an event, as an outbox row stores it and Kafka headers carry it. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

const tracer = trace.getTracer('@ecom/event-sourcing');

/**
 * The SDK's suppression flag (@opentelemetry/core's suppressTracing, which keys it with this
 * description through the API's createContextKey, a global symbol): instrumentations start no span
 * and the W3C propagator injects nothing under it. Spelled out so that this library need not load
 * @opentelemetry/core; event-tracing.spec.ts checks it is the same flag.
 */
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/** Runs `work` with the auto-instrumentations (kafkajs' producer spans and header injection) silenced. */
export function withoutInstrumentation<T>(work: () => T): T {
  return context.with(context.active().setValue(SUPPRESS_TRACING, true), work);
}

/** The W3C headers of a context; empty when it has no valid span or the process does not trace. */
export function traceHeadersOf(traceContext: Context): TraceHeaders {
  const carrier: TraceHeaders = {};
  propagation.inject(traceContext, carrier);
  return carrier;
}

/** The events a consumer batch is handling, by id: the W3C context of each one's CONSUMER span. */
const HANDLING = createContextKey('@ecom/event-sourcing events being handled');

/** `traceContext` carrying the contexts of the events being handled (see traceOfAppended). */
export function handlingEvents(traceContext: Context, traces: ReadonlyMap<string, TraceHeaders>): Context {
  return traces.size === 0 ? traceContext : traceContext.setValue(HANDLING, traces);
}

/**
 * Resolves the trace context each appended event is stored with, in the context the append was asked
 * in: a reaction to an event being handled (its causationId) continues that event's CONSUMER span,
 * even when a batch handler appends the reactions to many events at once; anything else continues
 * the span active when the append was asked for (the HTTP request's).
 */
export function appendedEventTraces(traceContext: Context): (causationId: string | null) => TraceHeaders {
  const handling = traceContext.getValue(HANDLING) as ReadonlyMap<string, TraceHeaders> | undefined;
  let own: TraceHeaders | undefined;
  return (causationId) => {
    const cause = causationId === null ? undefined : handling?.get(causationId);
    return cause ?? (own ??= traceHeadersOf(traceContext));
  };
}

/** The context a message's headers carry (the root context when they carry none). */
export function contextOfHeaders(headers: TraceHeaders): Context {
  return headers.traceparent ? propagation.extract(ROOT_CONTEXT, headers) : ROOT_CONTEXT;
}

export interface OutboxMessageTrace {
  span: Span;
  /** The headers to send: the PRODUCER span's context, or the stored one while this process does not trace. */
  headers: TraceHeaders;
}

/** The PRODUCER span of one outbox row's publish, a child of the context the row was appended in. */
export function startPublishSpan(row: {
  service: string;
  topic: string;
  key: string;
  eventId: string;
  eventType: string;
  stored: TraceHeaders;
}): OutboxMessageTrace {
  const parent = contextOfHeaders(row.stored);
  const span = tracer.startSpan(
    `send ${row.eventType}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': row.topic,
        'messaging.kafka.message.key': row.key,
        'messaging.message.id': row.eventId,
        'ecom.event.type': row.eventType,
        'ecom.outbox.service': row.service,
      },
    },
    parent,
  );
  const sent = traceHeadersOf(trace.setSpan(parent, span));
  if (sent.traceparent) return { span, headers: sent };
  // Headers are strings: a header given as undefined would fail the whole send.
  const stored: TraceHeaders = {};
  if (row.stored.traceparent) stored.traceparent = row.stored.traceparent;
  if (row.stored.traceparent && row.stored.tracestate) stored.tracestate = row.stored.tracestate;
  return { span, headers: stored };
}

/**
 * A publish of many messages failed: a span of its own (made only then, so a relay that publishes
 * costs no span per round) linked to each message's PRODUCER span. Returns the context to log the
 * failure in, so the log line's trace_id leads to every message the failure held up.
 */
export function failedPublishContext(
  service: string,
  startedAt: number,
  error: unknown,
  messages: readonly OutboxMessageTrace[],
): Context {
  const span = tracer.startSpan(
    'outbox publish',
    {
      kind: SpanKind.INTERNAL,
      startTime: startedAt,
      links: messages.filter((m) => isTraced(m.span)).map((m) => ({ context: m.span.spanContext() })),
      attributes: { 'ecom.outbox.service': service, 'messaging.batch.message_count': messages.length },
    },
    ROOT_CONTEXT,
  );
  recordFailure(span, error);
  span.end();
  return trace.setSpan(ROOT_CONTEXT, span);
}

/** The CONSUMER span of one event (or unparseable message) a consumer handles, a child of its headers' context. */
export function startProcessSpan(message: {
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  headers: TraceHeaders;
  eventId?: string;
  eventType?: string;
  correlationId?: string;
}): Span {
  return tracer.startSpan(
    `process ${message.eventType ?? message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': message.topic,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.consumer.group.name': message.consumer,
        ...(message.eventId ? { 'messaging.message.id': message.eventId } : {}),
        ...(message.eventType ? { 'ecom.event.type': message.eventType } : {}),
        ...(message.correlationId ? { 'ecom.correlation_id': message.correlationId } : {}),
      },
    },
    contextOfHeaders(message.headers),
  );
}

/** Whether a span has a context worth passing on (false for the API's no-op spans). */
export function isTraced(span: Span): boolean {
  return isSpanContextValid(span.spanContext());
}

/** `traceContext` with `span` as its active span: logs and child spans written in it belong to it. */
export function inSpan(span: Span, traceContext: Context = context.active()): Context {
  return trace.setSpan(traceContext, span);
}

/** Marks a span failed with the error (the span is not ended). */
export function recordFailure(span: Span, error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  span.recordException(failure);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
}

/** The W3C headers of a span's own context (what a reaction to the event it handles continues). */
export function spanHeaders(span: Span): TraceHeaders {
  return traceHeadersOf(trace.setSpan(ROOT_CONTEXT, span));
}
