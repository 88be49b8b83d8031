import { ANALYTICS_MIGRATIONS } from '@ecom/analytics-read-models';
import { PlatformModule, SERVICES } from '@ecom/platform';
import { Module } from '@nestjs/common';
import { ProjectorEnvironment } from './config/projector-settings';
import { ProjectionModule } from './projection/projection.module';
import { ProjectorRunner } from './runner/projector-runner';
import { ProjectorSchedules } from './runner/projector-schedules';

@Module({
  imports: [
    PlatformModule.forService(SERVICES.analyticsProjector, {
      migrations: ANALYTICS_MIGRATIONS,
      environment: ProjectorEnvironment,
    }),
    ProjectionModule,
  ],
  providers: [ProjectorRunner, ProjectorSchedules],
})
export class AppModule {}
