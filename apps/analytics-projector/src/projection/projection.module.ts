import { AnalyticsClock } from '@ecom/analytics-read-models';
import { Module } from '@nestjs/common';
import { AnomaliesService } from '../anomalies/anomalies.service';
import {
  ANALYTICS_PROJECTOR_SETTINGS,
  AnalyticsProjectorSettings,
  readAnalyticsProjectorSettings,
} from '../config/analytics-projector.settings';
import { StockWarningsService } from '../stock-warnings/stock-warnings.service';
import { DataSource } from 'typeorm';
import { AnalyticsProjection } from './analytics-projection';
import { FunnelFolds } from './funnel-folds';
import { LiveRfm } from './live-rfm';

/** The projection itself (handler, stock warnings, funnel folds, settings, clock): used by the live projector and the rebuild. */
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
      provide: AnomaliesService,
      inject: [ANALYTICS_PROJECTOR_SETTINGS],
      useFactory: (s: AnalyticsProjectorSettings) => new AnomaliesService(s),
    },
    {
      provide: FunnelFolds,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new FunnelFolds(dataSource),
    },
    {
      provide: AnalyticsProjection,
      inject: [ANALYTICS_PROJECTOR_SETTINGS, StockWarningsService, AnalyticsClock, FunnelFolds],
      useFactory: (
        s: AnalyticsProjectorSettings,
        warnings: StockWarningsService,
        clock: AnalyticsClock,
        folds: FunnelFolds,
      ) =>
        new AnalyticsProjection(
          s.timeZone,
          warnings,
          new LiveRfm(clock, { ...s.rfm, timeZone: s.timeZone, currency: s.currency }),
          folds,
        ),
    },
  ],
  exports: [
    ANALYTICS_PROJECTOR_SETTINGS,
    AnalyticsClock,
    StockWarningsService,
    AnalyticsProjection,
    AnomaliesService,
    FunnelFolds,
  ],
})
export class ProjectionModule {}
