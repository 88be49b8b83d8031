import { ANALYTICS_SETTINGS, readAnalyticsSettings } from '@ecom/analytics-read-models';
import { Module } from '@nestjs/common';
import { CopurchaseController } from './copurchase.controller';
import { CopurchaseService } from './copurchase.service';
import { QueryCache } from './query-cache';

/**
 * The co-purchase routes (GET /v1/analytics/co-purchase and /co-purchase/:sku), with the context's
 * settings (COPURCHASE_MIN_SUPPORT_ORDERS, the cache's lifetime) and the same Redis query cache.
 */
@Module({
  controllers: [CopurchaseController],
  providers: [
    { provide: ANALYTICS_SETTINGS, useFactory: () => readAnalyticsSettings() },
    QueryCache,
    CopurchaseService,
  ],
})
export class CopurchaseModule {}
