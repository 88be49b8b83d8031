import { ANALYTICS_MIGRATIONS, AnalyticsClock } from '@ecom/analytics-read-models';
import { PlatformModule, SERVICES } from '@ecom/platform';
import { Module } from '@nestjs/common';
import {
  ANALYTICS_SETTINGS,
  AnalyticsEnvironment,
  AnalyticsSettings,
  readAnalyticsSettings,
} from './config/analytics.settings';
import { DashboardModule } from './dashboard/dashboard.module';
import { LifecycleModule } from './queries/lifecycle.module';
import { AnomaliesModule } from './queries/anomalies.module';
import { AnalyticsQueryController } from './queries/analytics-query.controller';
import { AnalyticsQueryService } from './queries/analytics-query.service';
import { ExperimentsController } from './queries/experiments.controller';
import { ExperimentsService } from './queries/experiments.service';
import { CopurchaseModule } from './queries/copurchase.module';
import { QueryCache } from './queries/query-cache';
import { StockHealthController } from './queries/stock-health.controller';
import { StockHealthService } from './queries/stock-health.service';
import { RateLimiter } from './track/rate-limiter';
import { TrackController } from './track/track.controller';
import { TrackHandler } from './track/track.handler';
import { StockWarningsAdminModule } from './warnings/stock-warnings-admin.module';

@Module({
  imports: [
    PlatformModule.forService(SERVICES.analytics, {
      migrations: ANALYTICS_MIGRATIONS,
      environment: AnalyticsEnvironment,
    }),
    StockWarningsAdminModule,
    DashboardModule,
    LifecycleModule,
    AnomaliesModule,
    CopurchaseModule,
  ],
  controllers: [TrackController, AnalyticsQueryController, ExperimentsController, StockHealthController],
  providers: [
    { provide: ANALYTICS_SETTINGS, useFactory: () => readAnalyticsSettings() },
    {
      provide: AnalyticsClock,
      inject: [ANALYTICS_SETTINGS],
      useFactory: (s: AnalyticsSettings) => new AnalyticsClock(s.fixedNow),
    },
    RateLimiter,
    TrackHandler,
    QueryCache,
    AnalyticsQueryService,
    ExperimentsService,
    StockHealthService,
  ],
})
export class AppModule {}
