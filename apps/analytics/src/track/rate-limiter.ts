import { RetryLaterException } from '@ecom/auth';
import { REDIS } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

export interface RateLimitCharge {
  /** e.g. "visitor:abc" or "ip:10.0.0.1". */
  key: string;
  limit: number;
  cost: number;
}

/**
 * Fixed-window counters in Redis, shared by every replica: each charge adds its cost to the key's
 * counter of the current window (one MULTI, one round trip); if any counter goes over its limit the
 * request is refused with 429 and Retry-After (the seconds until the window ends). Redis unreachable
 * or failing: 503 with Retry-After, never a 500 and never an unlimited request.
 */
@Injectable()
export class RateLimiter {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async charge(charges: RateLimitCharge[], windowMs: number, now = Date.now()): Promise<void> {
    if (charges.length === 0) return;
    const window = Math.floor(now / windowMs);
    const multi = this.redis.multi();
    for (const c of charges) {
      const key = `track:rl:${c.key}:${window}`;
      multi.incrby(key, c.cost);
      multi.pexpire(key, windowMs * 2);
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await multi.exec();
    } catch {
      throw RetryLaterException.unavailable('rate limiting (Redis)', 1);
    }
    if (!results || results.some(([error]) => error))
      throw RetryLaterException.unavailable('rate limiting (Redis)', 1);
    charges.forEach((c, i) => {
      if (Number(results[i * 2][1]) > c.limit)
        throw RetryLaterException.tooManyRequests(
          `rate limit of ${c.limit} events per ${windowMs} ms exceeded for ${c.key.split(':')[0]}`,
          (window + 1) * windowMs - now,
        );
    });
  }
}
