import { startTestService, TestService } from '@ecom/testing';
import { EDGE_SERVICE, EdgeTestModule } from './edge.fixture';

/**
 * Item 4 of issue 12: X-Forwarded-For chose the client address the per-IP limits count (login
 * throttle, track). It is believed only from the proxies named in TRUSTED_PROXIES, none by default.
 */
describe('trusted proxies', () => {
  let direct: TestService;
  let behindProxy: TestService;

  beforeAll(async () => {
    direct = await startTestService(EdgeTestModule, EDGE_SERVICE, { env: { TRUSTED_PROXIES: '' } });
    behindProxy = await startTestService(EdgeTestModule, EDGE_SERVICE, {
      database: direct.database,
      topicPrefix: direct.topicPrefix,
      env: { TRUSTED_PROXIES: '10.0.0.0/8,127.0.0.1' },
    });
  });

  afterAll(async () => {
    await behindProxy?.close();
    await direct?.close();
  });

  const clientOf = async (service: TestService, forwardedFor?: string) => {
    const response = await service.http('/v1/edge/client', {
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    });
    expect(response.status).toBe(200);
    return response.body.ip as string;
  };

  it('ignores X-Forwarded-For by default: the client is the peer', async () => {
    expect(await clientOf(direct)).toBe('127.0.0.1');
    for (const forged of ['203.0.113.7', '198.51.100.1, 203.0.113.9']) {
      expect(await clientOf(direct, forged)).toBe('127.0.0.1');
    }
  });

  it('believes X-Forwarded-For from a trusted proxy, up to the first untrusted hop', async () => {
    expect(await clientOf(behindProxy)).toBe('127.0.0.1');
    expect(await clientOf(behindProxy, '203.0.113.7')).toBe('203.0.113.7');
    // The proxy chain: the client claims 198.51.100.1, an internal proxy (10.1.2.3) forwarded it.
    expect(await clientOf(behindProxy, '198.51.100.1, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
  });
});
