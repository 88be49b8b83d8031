import { SERVICES } from '@ecom/platform';
import { randomSuffix, startTestService, TestService } from '@ecom/testing';
import { AppModule } from '../app.module';

/** The rate limits need Redis: without it /v1/track refuses with 503 and Retry-After, not 500. */
describe('POST /v1/track with Redis unreachable', () => {
  let service: TestService;

  beforeAll(async () => {
    // Port 1 on the loopback: connections are refused at once.
    service = await startTestService(AppModule, SERVICES.analytics, {
      env: { REDIS_URL: 'redis://127.0.0.1:1' },
    });
  });
  afterAll(async () => {
    await service?.close();
  });

  it.each([
    ['/v1/track', { type: 'page_view', visitorId: `v-${randomSuffix()}` }],
    ['/v1/track/batch', { events: [{ type: 'page_view', visitorId: `v-${randomSuffix()}` }] }],
  ])('%s answers 503 with Retry-After', async (path, body) => {
    const response = await service.http(path, { body });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'rate limiting (Redis) is unavailable, retry later',
      },
    });
    expect(response.headers.get('retry-after')).toBe('1');
  });
});
