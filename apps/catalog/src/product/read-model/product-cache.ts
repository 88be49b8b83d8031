import { REDIS } from '@ecom/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Counter, register } from 'prom-client';
import { CATALOG_SETTINGS, CatalogSettings } from '../../config/catalog.settings';
import type { ProductView } from './product.views';

/** Sets the entry only if no invalidation happened since the reader took the generation. */
const SET_IF_GENERATION = `
local current = redis.call('GET', KEYS[2]) or ''
if current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
  return 1
end
return 0`;

const GENERATION_TTL_SECONDS = 24 * 3600;

type RedisWithScripts = Redis & {
  catalogSetIfGeneration(
    entryKey: string,
    generationKey: string,
    generation: string,
    value: string,
    ttl: number,
  ): Promise<number>;
};

function cacheRequests(): Counter<string> {
  const name = 'catalog_product_cache_requests_total';
  return (
    (register.getSingleMetric(name) as Counter<string>) ??
    new Counter({ name, help: 'Product detail reads by cache outcome', labelNames: ['result'] })
  );
}

/**
 * Hot product details in Redis (the full operator view; callers' visibility is applied on top).
 * Invalidation runs after the command's transaction commits: it bumps the product's generation and
 * deletes the entry. A reader takes the generation before reading PostgreSQL and stores what it read
 * only if the generation is unchanged, so a read that raced a commit can never put the old version
 * back after the invalidation. Redis trouble never fails a read: it falls back to PostgreSQL.
 */
@Injectable()
export class ProductCache {
  private readonly logger = new Logger('ProductCache');
  private readonly redis: RedisWithScripts;
  private readonly requests = cacheRequests();
  private readonly ttlSeconds: number;

  constructor(@Inject(REDIS) redis: Redis, @Inject(CATALOG_SETTINGS) settings: CatalogSettings) {
    this.redis = redis as RedisWithScripts;
    this.ttlSeconds = settings.productCacheTtlSeconds;
    if (!this.redis.catalogSetIfGeneration) {
      this.redis.defineCommand('catalogSetIfGeneration', { numberOfKeys: 2, lua: SET_IF_GENERATION });
    }
  }

  get enabled(): boolean {
    return this.ttlSeconds > 0;
  }

  private entryKey(id: string) {
    return `catalog:product:${id}`;
  }

  private generationKey(id: string) {
    return `catalog:product:${id}:gen`;
  }

  async get(id: string, load: () => Promise<ProductView | null>): Promise<ProductView | null> {
    if (!this.enabled) return load();
    let generation: string;
    try {
      const [entry, current] = await this.redis.mget(this.entryKey(id), this.generationKey(id));
      if (entry) {
        this.requests.inc({ result: 'hit' });
        return JSON.parse(entry) as ProductView;
      }
      generation = current ?? '';
    } catch (error) {
      this.requests.inc({ result: 'error' });
      this.logger.warn(`product cache read failed, reading PostgreSQL: ${(error as Error).message}`);
      return load();
    }
    this.requests.inc({ result: 'miss' });
    const product = await load();
    if (product) {
      await this.redis
        .catalogSetIfGeneration(
          this.entryKey(id),
          this.generationKey(id),
          generation,
          JSON.stringify(product),
          this.ttlSeconds,
        )
        .catch((error: Error) => this.logger.warn(`product cache write failed: ${error.message}`));
    }
    return product;
  }

  /** Call after the transaction that changed the product committed. */
  async invalidate(id: string): Promise<void> {
    if (!this.enabled) return;
    try {
      await this.redis
        .multi()
        .incr(this.generationKey(id))
        .expire(this.generationKey(id), GENERATION_TTL_SECONDS)
        .del(this.entryKey(id))
        .exec();
    } catch (error) {
      // The entry then lives at most its TTL; the write itself has committed and stands.
      this.logger.error(`product cache invalidation failed for ${id}: ${(error as Error).message}`);
    }
  }
}
