import { readAnalyticsSettings } from '@ecom/analytics-read-models';
import { readMembersPublicUrl } from './dashboard-page';

/** The dashboard's settings: where operators log in, and the analytics calendar it shows. */
export interface DashboardSettings {
  /** MEMBERS_PUBLIC_URL; unset: the members port on the host the browser used. */
  membersPublicUrl: string | undefined;
  timeZone: string;
  currency: string;
}

export const DASHBOARD_SETTINGS = Symbol('DASHBOARD_SETTINGS');

export function readDashboardSettings(env: NodeJS.ProcessEnv = process.env): DashboardSettings {
  const analytics = readAnalyticsSettings(env);
  return {
    membersPublicUrl: readMembersPublicUrl(env),
    timeZone: analytics.timeZone,
    currency: analytics.currency,
  };
}
