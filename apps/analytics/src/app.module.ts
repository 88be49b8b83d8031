import { ANALYTICS_MIGRATIONS, ANALYTICS_SETTINGS, AnalyticsClock } from '@ecom/analytics-read-models';
import { PlatformModule, SERVICES } from '@ecom/platform';
import { Module } from '@nestjs/common';
import {
  ANALYTICS_API_SETTINGS,
  AnalyticsApiEnvironment,
  AnalyticsApiSettings,
  readAnalyticsApiSettings,
} from './config/analytics-api-settings';
import { AnalyticsQueryController } from './queries/analytics-query.controller';
import { AnalyticsQueryService } from './queries/analytics-query.service';
import { QueryCache } from './queries/query-cache';
import { RateLimiter } from './track/rate-limiter';
import { TrackController } from './track/track.controller';
import { TrackHandler } from './track/track.handler';

@Module({
  imports: [
    PlatformModule.forService(SERVICES.analytics, {
      migrations: ANALYTICS_MIGRATIONS,
      environment: AnalyticsApiEnvironment,
    }),
  ],
  controllers: [TrackController, AnalyticsQueryController],
  providers: [
    { provide: ANALYTICS_API_SETTINGS, useFactory: () => readAnalyticsApiSettings() },
    { provide: ANALYTICS_SETTINGS, useExisting: ANALYTICS_API_SETTINGS },
    {
      provide: AnalyticsClock,
      inject: [ANALYTICS_API_SETTINGS],
      useFactory: (s: AnalyticsApiSettings) => new AnalyticsClock(s.fixedNow),
    },
    RateLimiter,
    TrackHandler,
    QueryCache,
    AnalyticsQueryService,
  ],
})
export class AppModule {}
