import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { startInMemoryTracing } from '../test/in-memory-tracing';
import {
  appendedEventTraces,
  failedPublishContext,
  handlingEvents,
  isTraced,
  spanHeaders,
  startProcessSpan,
  startPublishSpan,
  traceHeadersOf,
  withoutInstrumentation,
} from './event-tracing';

const STORED = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'vendor=abc',
};

const row = (stored = STORED) => ({
  service: 'orders',
  topic: 'orders.events',
  key: 'order-1',
  eventId: 'event-1',
  eventType: 'OrderPlaced',
  stored,
});

describe('event tracing while the process does not trace (no SDK registered)', () => {
  it('writes no trace context and passes a stored one on as it is', () => {
    expect(traceHeadersOf(context.active())).toEqual({});
    expect(appendedEventTraces(context.active())(null)).toEqual({});
    const published = startPublishSpan(row());
    expect(isTraced(published.span)).toBe(false);
    expect(published.headers).toEqual(STORED);
    // Headers are strings only: a row without a stored context sends none.
    expect(startPublishSpan(row({ traceparent: undefined, tracestate: undefined } as never)).headers).toEqual(
      {},
    );
    expect(
      isTraced(startProcessSpan({ ...row(), consumer: 'c', partition: 0, offset: '1', headers: STORED })),
    ).toBe(false);
  });
});

describe('event tracing with the SDK', () => {
  let tracing: ReturnType<typeof startInMemoryTracing>;
  const tracer = trace.getTracer('test');

  beforeAll(() => (tracing = startInMemoryTracing()));
  afterAll(() => tracing.stop());
  beforeEach(() => tracing.reset());

  it('silences the instrumentations with the SDK flag of @opentelemetry/core', () => {
    expect(isTracingSuppressed(context.active())).toBe(false);
    expect(withoutInstrumentation(() => isTracingSuppressed(context.active()))).toBe(true);
    // Nothing is injected under it, whatever span is active.
    const span = tracer.startSpan('request');
    expect(withoutInstrumentation(() => traceHeadersOf(trace.setSpan(context.active(), span)))).toEqual({});
    span.end();
  });

  it('stores the active span with an appended event, and a reaction with the span of its cause', () => {
    const request = tracer.startSpan('POST /v1/orders');
    const handled = tracer.startSpan('process OrderPlaced');
    const inRequest = trace.setSpan(ROOT_CONTEXT, request);
    const traceOf = appendedEventTraces(
      handlingEvents(inRequest, new Map([['cause-1', spanHeaders(handled)]])),
    );

    expect(traceOf(null).traceparent).toBe(
      `00-${request.spanContext().traceId}-${request.spanContext().spanId}-01`,
    );
    expect(traceOf('cause-1').traceparent).toBe(
      `00-${handled.spanContext().traceId}-${handled.spanContext().spanId}-01`,
    );
    // A cause not being handled here (a command's own causation) falls back to the active span.
    expect(traceOf('cause-2')).toEqual(traceOf(null));
    // No span at all: nothing stored.
    expect(appendedEventTraces(ROOT_CONTEXT)(null)).toEqual({});
    request.end();
    handled.end();
  });

  it('publishes a stored row in a PRODUCER span that is a child of the stored context', () => {
    const published = startPublishSpan(row());
    published.span.end();
    const [span] = tracing.spans();
    expect(span.kind).toBe(SpanKind.PRODUCER);
    expect(span.name).toBe('send OrderPlaced');
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.attributes).toMatchObject({
      'messaging.destination.name': 'orders.events',
      'messaging.message.id': 'event-1',
      'ecom.event.type': 'OrderPlaced',
    });
    // The headers sent are the producer span's, trace state kept.
    expect(published.headers).toEqual({
      traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`,
      tracestate: 'vendor=abc',
    });
  });

  it('starts a trace of its own for a row appended outside any', () => {
    const published = startPublishSpan(row({} as typeof STORED));
    published.span.end();
    const [span] = tracing.spans();
    expect(span.parentSpanContext).toBeUndefined();
    expect(published.headers.traceparent).toContain(span.spanContext().traceId);
  });

  it('handles a message in a CONSUMER span whose parent is the context of its headers', () => {
    const span = startProcessSpan({
      consumer: 'inventory.order-reservations',
      topic: 'orders.events',
      partition: 2,
      offset: '41',
      headers: { traceparent: STORED.traceparent },
      eventId: 'event-1',
      eventType: 'OrderPlaced',
      correlationId: 'corr-1',
    });
    span.end();
    const [ended] = tracing.spans();
    expect(ended.kind).toBe(SpanKind.CONSUMER);
    expect(ended.name).toBe('process OrderPlaced');
    expect(ended.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(ended.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(ended.attributes).toMatchObject({
      'messaging.consumer.group.name': 'inventory.order-reservations',
      'messaging.destination.partition.id': '2',
      'messaging.kafka.offset': 41,
      'ecom.correlation_id': 'corr-1',
    });
  });

  it('records a failed publish in a span linked to every message it held up', () => {
    const messages = [startPublishSpan(row()), startPublishSpan(row())];
    const failure = failedPublishContext('orders', Date.now() - 50, new Error('broker gone'), messages);
    const failed = tracing.spans().find((s) => s.name === 'outbox publish')!;
    expect(trace.getSpanContext(failure)?.spanId).toBe(failed.spanContext().spanId);
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'broker gone' });
    expect(failed.links.map((l) => l.context.spanId)).toEqual(
      messages.map((m) => m.span.spanContext().spanId),
    );
    expect(failed.attributes['messaging.batch.message_count']).toBe(2);
  });
});
