import type { SqlExecutor } from '@ecom/event-sourcing';
import { REDIS } from '@ecom/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { INVENTORY_SETTINGS, InventorySettings } from '../../config/inventory.settings';

/** What storefronts see of a SKU: available units (on hand minus reserved) in total and per warehouse. */
export interface Availability {
  sku: string;
  available: number;
  inStock: boolean;
  warehouses: { code: string; available: number }[];
}

interface CachedAvailability {
  /** StockItem stream version the entry reflects (0: no stock record). */
  v: number;
  available: number;
  warehouses: { code: string; available: number }[];
}

// Sets the entry unless the cache already holds the same or a newer version: a reader that loaded an
// older row from PostgreSQL can never overwrite what a later commit wrote.
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, entry = pcall(cjson.decode, current)
  if ok and type(entry) == 'table' and tonumber(entry.v) and tonumber(entry.v) >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[3]))
return 1`;

type RedisWithScript = Redis & {
  inventorySetAvailabilityIfNewer(
    key: string,
    value: string,
    version: number,
    ttlSeconds: number,
  ): Promise<number>;
};

/**
 * Availability of SKUs for storefronts, from the stock-levels read model through Redis. Entries carry
 * the SKU's stream version; every commit that changed a SKU's stock writes its new entry (after the
 * COMMIT, read back from the read model), and a miss loads the read model and fills the cache, both
 * only ever moving an entry forward. A TTL bounds how long an entry lives if Redis missed a write.
 */
@Injectable()
export class AvailabilityCache {
  /** The after-commit work of a session that changed stock (one refresh of all its SKUs). */
  static readonly REFRESH_KEY = 'availability-cache';
  private readonly logger = new Logger('AvailabilityCache');
  private readonly redis: RedisWithScript;
  private readonly ttlSeconds: number;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly dataSource: DataSource,
    @Inject(INVENTORY_SETTINGS) settings: InventorySettings,
  ) {
    if (!('inventorySetAvailabilityIfNewer' in redis)) {
      redis.defineCommand('inventorySetAvailabilityIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER });
    }
    this.redis = redis as RedisWithScript;
    this.ttlSeconds = settings.availabilityCacheTtlSeconds;
  }

  static key(sku: string): string {
    return `inventory:availability:${sku}`;
  }

  /** Writes the current read-model entries of these SKUs into the cache. */
  async refresh(skus: string[], sql: SqlExecutor = this.dataSource): Promise<void> {
    if (skus.length === 0) return;
    const entries = await this.load(skus, sql);
    await this.store(entries);
  }

  /**
   * After a command that changed these SKUs has committed: refreshes them, logging a failure instead
   * of throwing it at a command that is done (the TTL bounds how long the entry can stay behind).
   */
  async refreshAfterCommit(skus: string[]): Promise<void> {
    await this.refresh(skus).catch((error: Error) =>
      this.logger.warn(`cache refresh failed: ${error.message}`),
    );
  }

  async get(skus: string[]): Promise<Availability[]> {
    const unique = [...new Set(skus)];
    const found = new Map<string, CachedAvailability>();
    try {
      const values = await this.redis.mget(unique.map(AvailabilityCache.key));
      values.forEach((value, i) => {
        if (value) found.set(unique[i], JSON.parse(value) as CachedAvailability);
      });
    } catch (error) {
      this.logger.warn(`cache read failed, reading the read model: ${(error as Error).message}`);
    }
    const missing = unique.filter((sku) => !found.has(sku));
    if (missing.length > 0) {
      const loaded = await this.load(missing);
      for (const [sku, entry] of loaded) found.set(sku, entry);
      await this.store(loaded).catch((error: Error) =>
        this.logger.warn(`cache fill failed: ${error.message}`),
      );
    }
    return skus.map((sku) => {
      const entry = found.get(sku)!;
      return { sku, available: entry.available, inStock: entry.available > 0, warehouses: entry.warehouses };
    });
  }

  private async load(
    skus: string[],
    sql: SqlExecutor = this.dataSource,
  ): Promise<Map<string, CachedAvailability>> {
    // One statement for the totals and the levels (a row per SKU and warehouse; nulls when unknown).
    const rows: {
      sku: string;
      version: number | null;
      available: number | null;
      warehouse: string | null;
      warehouse_available: number | null;
    }[] = await sql.query(
      `SELECT s.sku, i.version, i.available, l.warehouse, l.available AS warehouse_available
       FROM unnest($1::text[]) AS s(sku)
       LEFT JOIN inv_stock_items i ON i.sku = s.sku
       LEFT JOIN inv_stock_levels l ON l.sku = s.sku
       ORDER BY s.sku, l.warehouse`,
      [[...new Set(skus)]],
    );
    const entries = new Map<string, CachedAvailability>();
    for (const row of rows) {
      let entry = entries.get(row.sku);
      if (!entry) {
        entry = { v: row.version ?? 0, available: row.available ?? 0, warehouses: [] };
        entries.set(row.sku, entry);
      }
      if (row.warehouse !== null)
        entry.warehouses.push({ code: row.warehouse, available: row.warehouse_available! });
    }
    return entries;
  }

  private async store(entries: Map<string, CachedAvailability>): Promise<void> {
    if (entries.size === 0) return;
    const pipeline = this.redis.pipeline() as unknown as {
      inventorySetAvailabilityIfNewer(key: string, value: string, version: number, ttl: number): void;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const [sku, entry] of entries) {
      pipeline.inventorySetAvailabilityIfNewer(
        AvailabilityCache.key(sku),
        JSON.stringify(entry),
        entry.v,
        this.ttlSeconds,
      );
    }
    const results = await pipeline.exec();
    const failed = (results ?? []).find(([error]) => error);
    if (failed) throw failed[0];
  }
}
