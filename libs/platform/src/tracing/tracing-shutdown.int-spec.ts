import { startTestService } from '@ecom/testing';
import { trace } from '@opentelemetry/api';
import { BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { EDGE_SERVICE, EdgeTestModule } from '../http/edge.fixture';
import { startTracing } from './start-tracing';
import { setActiveTracing } from './tracing-lifecycle';

/**
 * A stopping pod exports the spans it still holds: closing the app (what SIGTERM does through
 * Nest's shutdown hooks) flushes them, though the batch processor would only have sent them a minute
 * later.
 */
describe('tracing at shutdown', () => {
  const exporter = new InMemorySpanExporter();
  let sdk: ReturnType<typeof startTracing>;

  beforeAll(() => {
    sdk = startTracing(
      { enabled: true, serviceName: 'edge', exporters: [] },
      { spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })] },
    );
  });

  afterAll(async () => {
    setActiveTracing(undefined);
    await sdk.shutdown();
  });

  it('exports the buffered spans when the app closes', async () => {
    const service = await startTestService(EdgeTestModule, EDGE_SERVICE);
    trace.getTracer('test').startSpan('last request before SIGTERM').end();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    await service.close();
    expect(exporter.getFinishedSpans().map((span) => span.name)).toContain('last request before SIGTERM');
  });
});
