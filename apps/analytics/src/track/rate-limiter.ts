import { REDIS } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type Redis from 'ioredis';

export interface RateLimitCharge {
  /** e.g. "visitor:abc" or "ip:10.0.0.1". */
  key: string;
  limit: number;
  cost: number;
}

/**
 * Fixed-window counters in Redis, shared by every replica: each charge adds its cost to the key's
 * counter of the current window; if any counter goes over its limit the request is refused with 429.
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
    const results = (await multi.exec()) ?? [];
    charges.forEach((c, i) => {
      const [error, count] = results[i * 2] ?? [];
      if (error) throw error;
      if (Number(count) > c.limit)
        throw new ThrottlerException(
          `rate limit of ${c.limit} events per ${windowMs} ms exceeded for ${c.key.split(':')[0]}`,
        );
    });
  }
}
