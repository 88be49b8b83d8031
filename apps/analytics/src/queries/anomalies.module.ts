import {
  ANALYTICS_SETTINGS,
  AnalyticsClock,
  AnalyticsSettings,
  readAnalyticsSettings,
} from '@ecom/analytics-read-models';
import { Module } from '@nestjs/common';
import { AnomaliesController } from './anomalies.controller';
import { AnomaliesService } from './anomalies.service';
import { QueryCache } from './query-cache';

/** The anomaly alerts route (GET /v1/analytics/anomalies), with the context's settings, clock and query cache. */
@Module({
  controllers: [AnomaliesController],
  providers: [
    { provide: ANALYTICS_SETTINGS, useFactory: () => readAnalyticsSettings() },
    {
      provide: AnalyticsClock,
      inject: [ANALYTICS_SETTINGS],
      useFactory: (s: AnalyticsSettings) => new AnalyticsClock(s.fixedNow),
    },
    QueryCache,
    AnomaliesService,
  ],
})
export class AnomaliesModule {}
