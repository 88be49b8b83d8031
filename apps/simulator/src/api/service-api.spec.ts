import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { ApiError, RateGate, retryAfterMs, ServiceApi } from './service-api';

describe('retry-after', () => {
  it('reads seconds and HTTP dates, 1 s when absent', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000 + 2000).toUTCString(), 10_000)).toBe(2000);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs('soon')).toBe(1000);
  });
});

describe('service API client', () => {
  let server: Server;
  let api: ServiceApi;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`.trim());
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = new ServiceApi('test', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (seen.length = 0));

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  it('sends a 429 again after its Retry-After, with the token', async () => {
    let calls = 0;
    handler = (_req, res) =>
      ++calls === 1 ? json(res, 429, {}, { 'retry-after': '0' }) : json(res, 201, { id: 'x' });
    const answer = await api.post<{ id: string }>('/v1/things', { a: 1 }, { token: 't' });
    expect(answer).toMatchObject({ status: 201, body: { id: 'x' } });
    expect(seen).toEqual(['POST /v1/things Bearer t', 'POST /v1/things Bearer t']);
    expect(api.stats.throttled).toBe(1);
  });

  it('holds back every caller of a gate while the shared limit is closed', async () => {
    const gate = new RateGate();
    gate.closeFor(300);
    handler = (_req, res) => json(res, 202, {});
    const started = Date.now();
    await Promise.all([api.post('/v1/track', {}, { gate }), api.post('/v1/track', {}, { gate })]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('answers statuses the caller expects and throws ApiError for others', async () => {
    handler = (_req, res) => json(res, 409, { message: 'taken' });
    expect((await api.post('/v1/x', {}, { expect: [201, 409] })).status).toBe(409);
    await expect(api.post('/v1/x', {})).rejects.toThrow(ApiError);
    await expect(api.post('/v1/x', {})).rejects.toThrow(
      /test POST \/v1\/x answered 409: {"message":"taken"}/,
    );
  });

  it('sends a raw body with its own content type', async () => {
    let received = '';
    handler = (req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received = `${req.headers['content-type']}|${body}`;
        json(res, 200, {});
      });
    };
    await api.post('/v1/imports/orders', '{"a":1}\n{"a":2}\n', { contentType: 'application/x-ndjson' });
    expect(received).toBe('application/x-ndjson|{"a":1}\n{"a":2}\n');
  });

  it('sends a write again after a refused connection only when it is idempotent', async () => {
    const closed = new ServiceApi('gone', 'http://127.0.0.1:1');
    await expect(closed.post('/v1/x', {})).rejects.toThrow(/gone POST \/v1\/x failed/);
    expect(closed.stats.reconnected).toBe(0);
  }, 20_000);
});
