import { AnalyticsClock, readAnalyticsSettings } from '@ecom/analytics-read-models';
import { Module } from '@nestjs/common';
import { DashboardRoutes } from './dashboard.routes';
import { DASHBOARD_SETTINGS, readDashboardSettings } from './dashboard.settings';

/** The operations dashboard page (GET /dashboard), over the operator-only analytics API. */
@Module({
  providers: [
    { provide: DASHBOARD_SETTINGS, useFactory: () => readDashboardSettings() },
    // The same clock as the queries' (ANALYTICS_FIXED_NOW freezes both): "today" agrees with the API.
    { provide: AnalyticsClock, useFactory: () => new AnalyticsClock(readAnalyticsSettings().fixedNow) },
    DashboardRoutes,
  ],
})
export class DashboardModule {}
