import { isIP } from 'net';

/** The HTTP edge of a service, read from the environment when the server is created. */
export interface HttpSettings {
  /**
   * Addresses and CIDR ranges of the proxies whose X-Forwarded-For is believed (Fastify's trustProxy).
   * Empty by default: the client address is the peer's, whatever the request claims.
   */
  trustedProxies: string[];
  /** The whole request (headers and body) must arrive within it, else 408 and the connection is closed. */
  requestTimeoutMs: number;
  /** The headers must arrive within it. */
  headersTimeoutMs: number;
  /**
   * METRICS_PORT: /metrics is served on this port of its own and no longer on the public HTTP port
   * (a Kubernetes Ingress or public Service then never reaches it). Unset: /metrics on the HTTP port.
   */
  metricsPort?: number;
}

/** Names proxy-addr understands besides addresses: 127.0.0.1/8 + ::1, link-local, private ranges. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 100 || value > 3_600_000) {
    throw new Error(`Invalid configuration:\n  ${name}: must be milliseconds between 100 and 3600000`);
  }
  return value;
}

export function readHttpSettings(env: NodeJS.ProcessEnv = process.env): HttpSettings {
  const trustedProxies = (env.TRUSTED_PROXIES ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
  const invalid = trustedProxies.filter((entry) => !isProxyAddress(entry));
  if (invalid.length > 0) {
    throw new Error(
      `Invalid configuration:\n  TRUSTED_PROXIES: not an address or CIDR range: ${invalid.join(', ')}`,
    );
  }
  const requestTimeoutMs = milliseconds(env, 'HTTP_REQUEST_TIMEOUT_MS', 10_000);
  const headersTimeoutMs = milliseconds(env, 'HTTP_HEADERS_TIMEOUT_MS', requestTimeoutMs);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new Error(
      'Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS',
    );
  }
  return { trustedProxies, requestTimeoutMs, headersTimeoutMs, metricsPort: metricsPort(env) };
}

function metricsPort(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.METRICS_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new Error('Invalid configuration:\n  METRICS_PORT: must be a port number between 1 and 65535');
  }
  if (env.HTTP_PORT !== undefined && Number(env.HTTP_PORT) === port) {
    throw new Error('Invalid configuration:\n  METRICS_PORT: must differ from HTTP_PORT');
  }
  return port;
}
