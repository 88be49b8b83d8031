import { ANALYTICS_SETTINGS, AnalyticsSettings, CopurchaseQueries } from '@ecom/analytics-read-models';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueryCache } from './query-cache';

const DEFAULT_LIMIT = 10;

/** Co-purchase answers from the projector's count tables, cached like the other hot queries. */
@Injectable()
export class CopurchaseService {
  private readonly queries: CopurchaseQueries;

  constructor(
    dataSource: DataSource,
    private readonly cache: QueryCache,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {
    this.queries = new CopurchaseQueries(dataSource);
  }

  private options(limit: number | undefined) {
    return { limit: limit ?? DEFAULT_LIMIT, minSupportOrders: this.settings.copurchase.minSupportOrders };
  }

  partners(sku: string, limit?: number) {
    const options = this.options(limit);
    // The SKU goes into the key as JSON: no SKU can make two keys collide.
    return this.cache.get(`copurchase-sku:${options.limit}:${JSON.stringify(sku)}`, () =>
      this.queries.partners(sku, options),
    );
  }

  pairs(limit?: number) {
    const options = this.options(limit);
    return this.cache.get(`copurchase-pairs:${options.limit}`, () => this.queries.pairs(options));
  }
}
