import { ANALYTICS_MIGRATIONS } from '@ecom/analytics-read-models';
import { PlatformModule, SERVICES } from '@ecom/platform';
import { Module } from '@nestjs/common';
import { AnalyticsProjectorEnvironment } from './config/analytics-projector.settings';
import { ProjectionModule } from './projection/projection.module';
import { ProjectorRunner } from './runner/projector-runner';
import { ProjectorSchedules } from './runner/projector-schedules';

@Module({
  imports: [
    PlatformModule.forService(SERVICES.analyticsProjector, {
      migrations: ANALYTICS_MIGRATIONS,
      environment: AnalyticsProjectorEnvironment,
    }),
    ProjectionModule,
  ],
  providers: [ProjectorRunner, ProjectorSchedules],
})
export class AppModule {}
