import { ANALYTICS_SETTINGS, AnalyticsSettings } from '@ecom/analytics-read-models';
import { REDIS } from '@ecom/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';

/**
 * A short-lived Redis cache of hot analytics answers (ANALYTICS_CACHE_TTL_MS, default 5 s), shared
 * by the API replicas so that a dashboard refreshed by many operators costs one query per window.
 * A Redis failure only costs the cache: the answer is computed and served anyway.
 */
@Injectable()
export class QueryCache {
  private readonly logger = new Logger('QueryCache');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {}

  async get<T>(key: string, compute: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    const ttl = this.settings.cacheTtlMs;
    if (ttl <= 0) return { value: await compute(), hit: false };
    const redisKey = `analytics:cache:${key}`;
    try {
      const cached = await this.redis.get(redisKey);
      if (cached !== null) return { value: JSON.parse(cached) as T, hit: true };
    } catch (error) {
      this.logger.warn(`cache read failed: ${(error as Error).message}`);
    }
    const value = await compute();
    await this.redis
      .set(redisKey, JSON.stringify(value), 'PX', ttl)
      .catch((error: Error) => this.logger.warn(`cache write failed: ${error.message}`));
    return { value, hit: false };
  }

  /** A version to put in keys that must change when the data does (RFM after a recomputation). */
  async version(name: string): Promise<string> {
    if (this.settings.cacheTtlMs <= 0) return '0';
    return (await this.redis.get(`analytics:cache-version:${name}`).catch(() => null)) ?? '0';
  }

  async bump(name: string): Promise<void> {
    await this.redis.incr(`analytics:cache-version:${name}`).catch(() => undefined);
  }
}
