import {
  AnalyticsEnvironment as AnalyticsContextEnvironment,
  AnalyticsSettings as AnalyticsContextSettings,
  readAnalyticsSettings as readAnalyticsContextSettings,
} from '@ecom/analytics-read-models';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** The analytics API's variables besides the context's (shared with the projector): the track endpoint's limits. */
export class AnalyticsEnvironment extends AnalyticsContextEnvironment {
  /** Events one visitor may send per window. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  TRACK_RATE_LIMIT_PER_VISITOR?: number;

  /** Events one client IP may send per window (a storefront behind one NAT sends for many visitors). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  TRACK_RATE_LIMIT_PER_IP?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  TRACK_RATE_WINDOW_MS?: number;

  /** How far in the future a client occurredAt may be (clock skew). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  TRACK_MAX_FUTURE_SKEW_MS?: number;

  /** How old a client occurredAt may be (late, offline-buffered events). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(90)
  TRACK_MAX_AGE_DAYS?: number;
}

export interface TrackSettings {
  perVisitor: number;
  perIp: number;
  windowMs: number;
  maxFutureSkewMs: number;
  maxAgeMs: number;
}

export interface AnalyticsSettings extends AnalyticsContextSettings {
  track: TrackSettings;
}

/**
 * The app's settings extend the context's, so one token serves both: the query side injects the
 * context's part, the track handler the whole.
 */
export { ANALYTICS_SETTINGS } from '@ecom/analytics-read-models';

export function readAnalyticsSettings(env: NodeJS.ProcessEnv = process.env): AnalyticsSettings {
  const int = (value: string | undefined, fallback: number) =>
    value === undefined || value === '' ? fallback : Number(value);
  return {
    ...readAnalyticsContextSettings(env),
    track: {
      perVisitor: int(env.TRACK_RATE_LIMIT_PER_VISITOR, 120),
      perIp: int(env.TRACK_RATE_LIMIT_PER_IP, 1200),
      windowMs: int(env.TRACK_RATE_WINDOW_MS, 60_000),
      maxFutureSkewMs: int(env.TRACK_MAX_FUTURE_SKEW_MS, 5 * 60_000),
      maxAgeMs: int(env.TRACK_MAX_AGE_DAYS, 7) * 86_400_000,
    },
  };
}
