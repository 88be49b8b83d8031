import { BaseEnvironment } from '@ecom/platform';
import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsTimeZone, Matches, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/**
 * Variables of the analytics bounded context, read by both the query API and the projector (they
 * share the database, so they must agree on the time zone of day buckets and on the RFM rules).
 */
export class AnalyticsEnvironment extends BaseEnvironment {
  /** Time zone of every day bucket (funnel, sales, RFM recency). Changing it needs a rebuild. */
  @IsOptional()
  @IsTimeZone()
  ANALYTICS_TZ?: string;

  /** The currency GMV, AOV, refunds, RFM monetary and margins are reported in. */
  @IsOptional()
  @Matches(/^[A-Z]{3}$/)
  ANALYTICS_CURRENCY?: string;

  /** Frequency and monetary look back this many days (an order paid 0..N-1 days before as-of counts). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  RFM_WINDOW_DAYS?: number;

  /** A member is `sleeping` when the last paid order is more than this many days old. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  RFM_SLEEPING_DAYS?: number;

  /**
   * Orders in the RFM window that earn f = 2, 3, 4 and 5, rising, comma-separated (default 2,3,4,5:
   * one order is f=1, five or more f=5). Frequency is scored on these fixed thresholds, not quintiles.
   */
  @IsOptional()
  @Matches(/^\d{1,4},\d{1,4},\d{1,4},\d{1,4}$/)
  RFM_FREQUENCY_THRESHOLDS?: string;

  /** How often RFM scores are recomputed (once across replicas); 0 turns the schedule off. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RFM_RECOMPUTE_INTERVAL_MS?: number;

  /** Cache lifetime of hot analytics queries in Redis; 0 turns the cache off. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  ANALYTICS_CACHE_TTL_MS?: number;

  /** Freezes the analytics clock (RFM as-of, warning re-evaluation) at this instant: reproducible runs. */
  @IsOptional()
  @IsISO8601({ strict: true })
  ANALYTICS_FIXED_NOW?: string;
}

export interface RfmSettings {
  windowDays: number;
  sleepingDays: number;
  recomputeIntervalMs: number;
  /** Orders that earn f = 2, 3, 4, 5 (rising). */
  frequencyThresholds: [number, number, number, number];
}

export interface AnalyticsSettings {
  timeZone: string;
  currency: string;
  rfm: RfmSettings;
  cacheTtlMs: number;
  fixedNow: Date | null;
}

function frequencyThresholds(value: string | undefined): [number, number, number, number] {
  if (!value) return [2, 3, 4, 5];
  const [f2, f3, f4, f5] = value.split(',').map(Number);
  if (!(1 <= f2 && f2 <= f3 && f3 <= f4 && f4 <= f5)) {
    throw new Error(`RFM_FREQUENCY_THRESHOLDS must rise from at least 1, e.g. 2,3,4,5; got ${value}`);
  }
  return [f2, f3, f4, f5];
}

export function readAnalyticsSettings(env: NodeJS.ProcessEnv = process.env): AnalyticsSettings {
  return {
    timeZone: env.ANALYTICS_TZ || 'Asia/Shanghai',
    currency: env.ANALYTICS_CURRENCY || 'CNY',
    rfm: {
      windowDays: Number(env.RFM_WINDOW_DAYS || 365),
      sleepingDays: Number(env.RFM_SLEEPING_DAYS || 90),
      recomputeIntervalMs: Number(env.RFM_RECOMPUTE_INTERVAL_MS ?? 10 * 60_000),
      frequencyThresholds: frequencyThresholds(env.RFM_FREQUENCY_THRESHOLDS),
    },
    cacheTtlMs: Number(env.ANALYTICS_CACHE_TTL_MS ?? 5000),
    fixedNow: env.ANALYTICS_FIXED_NOW ? new Date(env.ANALYTICS_FIXED_NOW) : null,
  };
}

/** Injection token of AnalyticsSettings in both apps. */
export const ANALYTICS_SETTINGS = Symbol('ANALYTICS_SETTINGS');
