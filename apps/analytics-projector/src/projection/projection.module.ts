import { AnalyticsClock } from '@ecom/analytics-read-models';
import { PostgresEventStore } from '@ecom/event-sourcing';
import { Module } from '@nestjs/common';
import { PROJECTOR_SETTINGS, ProjectorSettings, readProjectorSettings } from '../config/projector-settings';
import { StockWarningsService } from '../stock-warnings/stock-warnings.service';
import { AnalyticsProjection } from './analytics-projection';

/** The projection itself (handler, stock warnings, settings, clock): used by the live projector and the rebuild. */
@Module({
  providers: [
    { provide: PROJECTOR_SETTINGS, useFactory: () => readProjectorSettings() },
    {
      provide: AnalyticsClock,
      inject: [PROJECTOR_SETTINGS],
      useFactory: (s: ProjectorSettings) => new AnalyticsClock(s.fixedNow),
    },
    {
      provide: StockWarningsService,
      inject: [PostgresEventStore, PROJECTOR_SETTINGS],
      useFactory: (store: PostgresEventStore, s: ProjectorSettings) =>
        new StockWarningsService(store, s.stockWarnings),
    },
    {
      provide: AnalyticsProjection,
      inject: [PROJECTOR_SETTINGS, StockWarningsService],
      useFactory: (s: ProjectorSettings, warnings: StockWarningsService) =>
        new AnalyticsProjection(s.timeZone, warnings),
    },
  ],
  exports: [PROJECTOR_SETTINGS, AnalyticsClock, StockWarningsService, AnalyticsProjection],
})
export class ProjectionModule {}
