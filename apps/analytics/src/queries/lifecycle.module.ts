import { ANALYTICS_SETTINGS, readAnalyticsSettings } from '@ecom/analytics-read-models';
import { Module } from '@nestjs/common';
import { LifecycleController } from './lifecycle.controller';
import { LifecycleService } from './lifecycle.service';
import { QueryCache } from './query-cache';

/**
 * The lifecycle, repurchase and cohort routes (GET /v1/analytics/lifecycle, /lifecycle/members,
 * /repurchase, /cohorts), with the context's settings (lifecycle thresholds, time zone, clock) and
 * the same Redis query cache.
 */
@Module({
  controllers: [LifecycleController],
  providers: [
    { provide: ANALYTICS_SETTINGS, useFactory: () => readAnalyticsSettings() },
    QueryCache,
    LifecycleService,
  ],
})
export class LifecycleModule {}
