import { startTestService, TestService } from '@ecom/testing';
import { EDGE_SERVICE, EdgeTestModule } from './edge.fixture';

/** Browsers' cross-origin calls: the configured origins only (the dashboard logs in at members). */
describe('CORS', () => {
  const dashboard = 'http://dashboard.test:3005';
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(EdgeTestModule, EDGE_SERVICE, { env: { CORS_ORIGINS: dashboard } });
  });

  afterAll(async () => {
    delete process.env.CORS_ORIGINS;
    await service?.close();
  });

  const preflight = (origin: string) =>
    fetch(`${service.baseUrl}/v1/edge/bodies`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });

  it('lets an allowed origin send a JSON POST with a bearer token, without credentials', async () => {
    const answer = await preflight(dashboard);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(dashboard);
    expect(answer.headers.get('access-control-allow-methods')).toContain('POST');
    expect(answer.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();

    const post = await service.http('/v1/edge/bodies', {
      body: { visitorId: 'v' },
      headers: { origin: dashboard },
    });
    expect(post.status).toBe(201);
    expect(post.headers.get('access-control-allow-origin')).toBe(dashboard);
    expect(post.headers.get('vary')).toMatch(/origin/i);
  });

  it('gives any other origin no CORS header, so its page cannot read the answer', async () => {
    const answer = await preflight('http://evil.test');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const get = await service.http('/v1/edge/items/1', { headers: { origin: 'http://evil.test' } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});
