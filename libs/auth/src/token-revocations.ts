import Redis from 'ioredis';

/** A token issued before its member's last revocation (role change, logout). */
export class TokenRevokedError extends Error {
  constructor() {
    super('token revoked');
    this.name = 'TokenRevokedError';
  }
}

/** Redis could not be asked whether a token is revoked: the request is refused (fail closed). */
export class RevocationCheckUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`token revocation check unavailable: ${(cause as Error)?.message ?? cause}`);
    this.name = 'RevocationCheckUnavailableError';
  }
}

/** The Redis commands the store uses (a real ioredis client, or a stand-in in unit tests). */
export type RevocationRedis = Pick<Redis, 'get' | 'incr'>;

/** How long a process trusts the token version it last read for a member (default 1 s). */
export const DEFAULT_REVOCATION_CACHE_MS = 1000;
/** Members whose version a process remembers; beyond it the oldest is dropped. */
const CACHE_SIZE = 10_000;

/**
 * Token revocation by a per-member token version in Redis (`auth:token-version:<memberId>`, absent =
 * 0). Members puts the version current at login into the token (`tv` claim); a role change or a
 * logout increments it, and from then on every token carrying an older version is refused by the
 * guard of every service.
 *
 * Cost: each process remembers the version it read for a member for `cacheMs` (1 s), and concurrent
 * requests of one member share one read, so a request costs at most one Redis GET, most none. A
 * revocation therefore reaches every replica within `cacheMs` (plus the GET's own time); the process
 * that revokes sees it at once. If Redis cannot be read and the remembered version is stale, the
 * check fails closed (RevocationCheckUnavailableError: the guard answers 503 with Retry-After).
 */
export class TokenRevocations {
  private readonly known = new Map<string, { version: number; readAtMs: number }>();
  private readonly reading = new Map<string, Promise<number>>();

  constructor(
    private readonly redis: RevocationRedis,
    private readonly cacheMs = DEFAULT_REVOCATION_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  static key(memberId: string): string {
    return `auth:token-version:${memberId}`;
  }

  /** Throws TokenRevokedError if the member's tokens of `tokenVersion` were revoked. */
  async assertCurrent(memberId: string, tokenVersion: number): Promise<void> {
    const current = await this.cachedVersion(memberId);
    if (tokenVersion < current) throw new TokenRevokedError();
  }

  /** The version to put into a token issued now; always read from Redis (never the cache). */
  async currentVersion(memberId: string): Promise<number> {
    const version = await this.read(memberId);
    this.remember(memberId, version);
    return version;
  }

  /** Revokes every token the member holds; returns the new version. */
  async revokeAll(memberId: string): Promise<number> {
    let version: number;
    try {
      version = await this.redis.incr(TokenRevocations.key(memberId));
    } catch (error) {
      throw new RevocationCheckUnavailableError(error);
    }
    this.remember(memberId, version);
    return version;
  }

  private async cachedVersion(memberId: string): Promise<number> {
    const known = this.known.get(memberId);
    if (known && this.now() - known.readAtMs < this.cacheMs) return known.version;
    const pending = this.reading.get(memberId);
    if (pending) return pending;
    const read = this.read(memberId)
      .then((version) => {
        this.remember(memberId, version);
        return version;
      })
      .finally(() => this.reading.delete(memberId));
    this.reading.set(memberId, read);
    return read;
  }

  private async read(memberId: string): Promise<number> {
    try {
      const value = await this.redis.get(TokenRevocations.key(memberId));
      return value === null ? 0 : Number(value);
    } catch (error) {
      throw new RevocationCheckUnavailableError(error);
    }
  }

  private remember(memberId: string, version: number): void {
    const known = this.known.get(memberId);
    // A slower read that started before a revocation must not put back the older version.
    if (known && known.version > version && this.now() - known.readAtMs < this.cacheMs) return;
    this.known.delete(memberId);
    if (this.known.size >= CACHE_SIZE) this.known.delete(this.known.keys().next().value!);
    this.known.set(memberId, { version, readAtMs: this.now() });
  }
}

/**
 * The Redis client of the revocation check: REDIS_URL and REDIS_KEY_PREFIX, as the platform's own
 * client (the key must be the same for members, which writes it, and every service reading it).
 * Short timeouts: a request waits at most about a second before the check fails closed.
 */
export function createRevocationRedis(env: NodeJS.ProcessEnv = process.env): Redis {
  const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    keyPrefix: env.REDIS_KEY_PREFIX || undefined,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    commandTimeout: 1000,
  });
  // Outages surface as failed checks (503) and in /health/ready; no unhandled 'error' events.
  redis.on('error', () => undefined);
  return redis;
}
