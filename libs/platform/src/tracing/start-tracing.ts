/**
 * Starts the OpenTelemetry SDK. Loaded only when tracing is on (register.ts requires it then): the
 * SDK and its instrumentations are some two thousand modules a process that does not trace never
 * loads. Must run before the instrumented packages are first required, which is why each app's
 * main.ts imports '@ecom/platform/tracing' first.
 */
import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK, NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { setActiveTracing } from './tracing-lifecycle';
import type { TracingSettings } from './tracing-settings';

/** Probes and scrapes come every few seconds from every kubelet and Prometheus: no trace each. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

export interface TracingOverrides {
  /** Where spans go instead of the exporters of OTEL_TRACES_EXPORTER (a test's in-memory exporter). */
  spanProcessors?: NodeSDKConfiguration['spanProcessors'];
}

export function startTracing(
  settings: Extract<TracingSettings, { enabled: true }>,
  overrides: TracingOverrides = {},
): NodeSDK {
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    // The outbox stores and Kafka carries traceparent/tracestate: W3C trace context, whatever
    // OTEL_PROPAGATORS says.
    textMapPropagator: new W3CTraceContextPropagator(),
    // Traces only: metrics are Prometheus' (/metrics), logs go to stdout as JSON lines.
    metricReaders: [],
    logRecordProcessors: [],
    spanProcessors: overrides.spanProcessors,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      }),
      new NestInstrumentation(),
      // Only queries of a traced request or event: the relay's and the consumers' idle polling and
      // the LISTEN connection would otherwise each be a trace of their own.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      // Its producer spans are suppressed where the outbox relay and the dead-lettering publish (they
      // send the context the event was appended in, see @ecom/event-sourcing's event-tracing); its
      // consumer side adds a span per fetched batch with links to the messages.
      new KafkaJsInstrumentation(),
      // trace_id, span_id and trace_flags in every log line written inside a span.
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as {
    forceFlush?: () => Promise<void>;
  };
  setActiveTracing({
    flush: () => provider.forceFlush?.() ?? Promise.resolve(),
    shutdown: () => sdk.shutdown(),
  });
  return sdk;
}
