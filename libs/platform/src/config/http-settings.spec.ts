import { readHttpSettings } from './http-settings';

describe('readHttpSettings', () => {
  it('trusts no proxy and cuts slow requests after 10 s by default', () => {
    expect(readHttpSettings({})).toStrictEqual({
      trustedProxies: [],
      requestTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
      metricsPort: undefined,
    });
  });

  it('serves /metrics on the HTTP port unless METRICS_PORT names one of its own', () => {
    expect(readHttpSettings({ METRICS_PORT: '' }).metricsPort).toBeUndefined();
    expect(readHttpSettings({ METRICS_PORT: '9102', HTTP_PORT: '3002' }).metricsPort).toBe(9102);
  });

  it('reads trusted proxies as addresses, CIDR ranges and proxy-addr names', () => {
    const settings = readHttpSettings({
      TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,::1 fd00::/8,loopback',
      HTTP_REQUEST_TIMEOUT_MS: '30000',
      HTTP_HEADERS_TIMEOUT_MS: '5000',
    });
    expect(settings).toEqual({
      trustedProxies: ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback'],
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 5_000,
    });
  });

  it.each([
    [{ TRUSTED_PROXIES: 'true' }, 'TRUSTED_PROXIES: not an address or CIDR range: true'],
    [{ TRUSTED_PROXIES: '10.0.0.0/33' }, 'TRUSTED_PROXIES'],
    [{ TRUSTED_PROXIES: '*' }, 'TRUSTED_PROXIES'],
    [{ HTTP_REQUEST_TIMEOUT_MS: '10s' }, 'HTTP_REQUEST_TIMEOUT_MS'],
    [{ HTTP_REQUEST_TIMEOUT_MS: '0' }, 'HTTP_REQUEST_TIMEOUT_MS'],
    [{ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '2000' }, 'HTTP_HEADERS_TIMEOUT_MS'],
    [{ METRICS_PORT: '9102x' }, 'METRICS_PORT: must be a port number'],
    [{ METRICS_PORT: '0' }, 'METRICS_PORT: must be a port number'],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT: must be a port number'],
    [{ METRICS_PORT: '3001', HTTP_PORT: '3001' }, 'METRICS_PORT: must differ from HTTP_PORT'],
  ])('refuses %j', (env, message) => {
    expect(() => readHttpSettings(env)).toThrow(message);
  });
});
