import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The SDK as a traced service runs it (AsyncLocalStorage context, W3C propagation), every span kept
 * in memory as it ends. No instrumentation: jest's module registry bypasses the require hooks they
 * patch with, so tests here see the spans this library makes itself.
 */
export function startInMemoryTracing(): {
  spans(): ReadableSpan[];
  reset(): void;
  stop(): Promise<void>;
} {
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({
    serviceName: 'event-sourcing-test',
    textMapPropagator: new W3CTraceContextPropagator(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    autoDetectResources: false,
  });
  sdk.start();
  return {
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    stop: () => sdk.shutdown(),
  };
}
