import { connect } from 'net';
import { startTestService, TestService } from '@ecom/testing';
import { EDGE_SERVICE, EdgeTestModule } from './edge.fixture';

/** Writes `text` and keeps the connection open; resolves with what came back and when it closed. */
function slowClient(baseUrl: string, text: string): Promise<{ answer: string; closedAfterMs: number }> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve({ answer, closedAfterMs: performance.now() - started }));
    socket.on('error', reject);
  });
}

/**
 * The platform parts of item 11 of issue 12: slow clients are cut off, only JSON bodies are taken,
 * and Fastify's own errors (malformed JSON, wrong media type) read like every other error.
 */
describe('HTTP edge', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(EdgeTestModule, EDGE_SERVICE, {
      env: { HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '1000' },
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('cuts off a body that does not arrive (200 bytes announced, 8 sent) with 408', async () => {
    const { answer, closedAfterMs } = await slowClient(
      service.baseUrl,
      'POST /v1/edge/bodies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 200\r\n\r\n{"visito',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(3000);
  });

  it('cuts off headers that do not arrive', async () => {
    const { answer, closedAfterMs } = await slowClient(
      service.baseUrl,
      'GET /v1/edge/items/1 HTTP/1.1\r\nHost: x\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeLessThan(3000);
  });

  it('does not cut off a route that takes longer than the timeout to answer', async () => {
    const response = await service.http('/v1/edge/slow');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ answered: true });
  });

  it.each([
    ['application/x-www-form-urlencoded', 'visitorId=v'],
    ['text/plain', '{"visitorId":"v"}'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="visitorId"\r\n\r\nv\r\n--x--',
    ],
  ])('answers a %s body with 415', async (contentType, body) => {
    const response = await fetch(`${service.baseUrl}/v1/edge/bodies`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
  });

  it('takes JSON with a charset', async () => {
    const response = await fetch(`${service.baseUrl}/v1/edge/bodies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"visitorId":"v"}',
    });
    expect(response.status).toBe(201);
  });

  it('names the status, not the exception class, for malformed or empty JSON', async () => {
    for (const body of ['{"visitorId":', '']) {
      const response = await fetch(`${service.baseUrl}/v1/edge/bodies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { message: unknown };
      expect(answer).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(typeof answer.message).toBe('string');
    }
  });

  it('refuses prototype poisoning as before', async () => {
    const response = await fetch(`${service.baseUrl}/v1/edge/bodies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"visitorId":"v","__proto__":{"polluted":true}}',
    });
    expect(response.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('gives the JSON API a security policy that runs nothing; only the OpenAPI UI may run inline scripts', async () => {
    const api = await service.http('/v1/edge/client');
    expect(api.status).toBe(200);
    const apiPolicy = api.headers.get('content-security-policy') ?? '';
    expect(apiPolicy).toContain("default-src 'none'");
    expect(apiPolicy).not.toContain('unsafe-inline');
    expect((await service.http('/docs-json')).headers.get('content-security-policy')).toBe(apiPolicy);

    const docs = await fetch(`${service.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline'");
  });
});
