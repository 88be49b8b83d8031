import { AnalyticsClock } from '@ecom/analytics-read-models';
import { Module } from '@nestjs/common';
import {
  ANALYTICS_PROJECTOR_SETTINGS,
  AnalyticsProjectorSettings,
  readAnalyticsProjectorSettings,
} from '../config/analytics-projector.settings';
import { StockWarningsService } from '../stock-warnings/stock-warnings.service';
import { AnalyticsProjection } from './analytics-projection';

/** The projection itself (handler, stock warnings, settings, clock): used by the live projector and the rebuild. */
@Module({
  providers: [
    { provide: ANALYTICS_PROJECTOR_SETTINGS, useFactory: () => readAnalyticsProjectorSettings() },
    {
      provide: AnalyticsClock,
      inject: [ANALYTICS_PROJECTOR_SETTINGS],
      useFactory: (s: AnalyticsProjectorSettings) => new AnalyticsClock(s.fixedNow),
    },
    {
      provide: StockWarningsService,
      inject: [ANALYTICS_PROJECTOR_SETTINGS],
      useFactory: (s: AnalyticsProjectorSettings) => new StockWarningsService(s.stockWarnings),
    },
    {
      provide: AnalyticsProjection,
      inject: [ANALYTICS_PROJECTOR_SETTINGS, StockWarningsService],
      useFactory: (s: AnalyticsProjectorSettings, warnings: StockWarningsService) =>
        new AnalyticsProjection(s.timeZone, warnings),
    },
  ],
  exports: [ANALYTICS_PROJECTOR_SETTINGS, AnalyticsClock, StockWarningsService, AnalyticsProjection],
})
export class ProjectionModule {}
