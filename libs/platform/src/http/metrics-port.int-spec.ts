import { freePort, startTestService, TestService } from '@ecom/testing';
import { EDGE_SERVICE, EdgeTestModule } from './edge.fixture';

/**
 * METRICS_PORT (issue 16): in Kubernetes the scrape moves to a port of its own that neither the
 * Ingress nor the public Service exposes; unset (local development), /metrics stays on the HTTP port.
 */
describe('METRICS_PORT', () => {
  let onHttpPort: TestService;
  let separate: TestService;
  let metricsPort: number;

  beforeAll(async () => {
    onHttpPort = await startTestService(EdgeTestModule, EDGE_SERVICE, { env: { METRICS_PORT: '' } });
    metricsPort = await freePort();
    separate = await startTestService(EdgeTestModule, EDGE_SERVICE, {
      database: onHttpPort.database,
      topicPrefix: onHttpPort.topicPrefix,
      env: { METRICS_PORT: String(metricsPort) },
    });
  });

  afterAll(async () => {
    delete process.env.METRICS_PORT;
    await separate?.close();
    await onHttpPort?.close();
  });

  const scrape = (url: string) =>
    fetch(url).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.text() }));

  it('unset: /metrics answers on the HTTP port, with the HTTP timings of earlier requests', async () => {
    expect((await onHttpPort.http('/health/live')).status).toBe(200);
    const answer = await scrape(`${onHttpPort.baseUrl}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    expect(answer.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(answer.body).toContain('process_cpu_seconds_total');
  });

  it('set: the metrics port serves the same registry, requests on the public port included', async () => {
    expect((await separate.http('/v1/edge/client')).status).toBe(200);
    const answer = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(answer.body).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/v1\/edge\/client"[^}]*\} [1-9]/,
    );
    expect(answer.body).toContain('process_cpu_seconds_total');
  });

  it('set: the public port answers /metrics as it answers a path that does not exist', async () => {
    const unknown = await separate.http('/no-such-path');
    expect(unknown.status).toBe(404);
    for (const path of ['/metrics', '/metrics/', '/metrics?name[]=x']) {
      const hidden = await separate.http(path);
      expect({ path, status: hidden.status }).toEqual({ path, status: 404 });
      expect(hidden.body).toEqual({ ...unknown.body, message: `Cannot GET ${path}` });
      expect(hidden.body.message).not.toContain('process_cpu');
    }
    // the rest of the public port is unchanged
    expect((await separate.http('/health/live')).status).toBe(200);
    expect((await separate.http('/docs-json')).status).toBe(200);
  });

  it('set: the metrics port serves nothing else', async () => {
    for (const path of ['/', '/health/live', '/docs-json', '/v1/edge/client']) {
      const answer = await scrape(`http://127.0.0.1:${metricsPort}${path}`);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
    }
    const post = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('closes the metrics port with the app', async () => {
    const port = await freePort();
    const service = await startTestService(EdgeTestModule, EDGE_SERVICE, {
      database: onHttpPort.database,
      topicPrefix: onHttpPort.topicPrefix,
      env: { METRICS_PORT: String(port) },
    });
    // a scraper's keep-alive connection must not hold the shutdown
    expect((await scrape(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    await service.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
