import { readHttpSettings } from './http-settings';

describe('readHttpSettings', () => {
  it('trusts no proxy and cuts slow requests after 10 s by default', () => {
    expect(readHttpSettings({})).toEqual({
      trustedProxies: [],
      requestTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
    });
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
  ])('refuses %j', (env, message) => {
    expect(() => readHttpSettings(env)).toThrow(message);
  });
});
