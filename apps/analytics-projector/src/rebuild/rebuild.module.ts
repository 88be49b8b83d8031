import { ANALYTICS_MIGRATIONS } from '@ecom/analytics-read-models';
import { PlatformModule, SERVICES } from '@ecom/platform';
import { Module } from '@nestjs/common';
import { AnalyticsProjectorEnvironment } from '../config/analytics-projector.settings';
import { ProjectionModule } from '../projection/projection.module';

/** The projector without its live consumer and schedules: what the rebuild command boots. */
@Module({
  imports: [
    PlatformModule.forService(SERVICES.analyticsProjector, {
      migrations: ANALYTICS_MIGRATIONS,
      environment: AnalyticsProjectorEnvironment,
    }),
    ProjectionModule,
  ],
})
export class RebuildModule {}
