import { ANALYTICS_SETTINGS, AnalyticsSettings, readFactsVersion } from '@ecom/analytics-read-models';
import { REDIS } from '@ecom/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';

/**
 * A Redis cache of hot analytics answers, shared by the API replicas so that a dashboard refreshed
 * by many operators costs one query per change of the data. Every key carries the read models'
 * version (an_facts_version, advanced by the projector after each commit and by a recomputation),
 * so an answer is served only until new facts are committed, not for a fixed time after them.
 * ANALYTICS_CACHE_TTL_MS (default 5 s) still bounds an entry's life: writes that do not advance the
 * version (a warning cleared through the API, rows written by hand) show within that time.
 * A Redis or version read failure only costs the cache: the answer is computed and served anyway.
 */
@Injectable()
export class QueryCache {
  private readonly logger = new Logger('QueryCache');

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
    private readonly dataSource: DataSource,
  ) {}

  async get<T>(key: string, compute: () => Promise<T>): Promise<{ value: T; hit: boolean }> {
    const ttl = this.settings.cacheTtlMs;
    if (ttl <= 0) return { value: await compute(), hit: false };
    let version: string;
    try {
      version = await readFactsVersion(this.dataSource);
    } catch (error) {
      this.logger.warn(`read models' version unknown, not cached: ${(error as Error).message}`);
      return { value: await compute(), hit: false };
    }
    // Read before computing: an answer computed while a batch commits is filed under the older
    // version, which the batch's advance retires.
    const redisKey = `analytics:cache:${version}:${key}`;
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
}
