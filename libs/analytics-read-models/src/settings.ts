import { BaseEnvironment } from '@ecom/platform';
import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsTimeZone, Matches, Max, Min } from 'class-validator';
import type { AnomalySettings } from './anomalies/anomaly.domain';
import type { LifecycleThresholds } from './lifecycle/lifecycle.domain';

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

  /** Lifecycle: a member with one net paid order at most this many days old is `new` (default 30). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3650)
  LIFECYCLE_NEW_DAYS?: number;

  /** Lifecycle: last net paid order at most this many days old is `active` (default 60); older `at_risk` up to RFM_SLEEPING_DAYS. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3650)
  LIFECYCLE_ACTIVE_DAYS?: number;

  /** Lifecycle: beyond RFM_SLEEPING_DAYS `sleeping` up to this many days (default 180), older `lost`. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  LIFECYCLE_LOST_DAYS?: number;

  /** How often RFM scores are recomputed (once across replicas); 0 turns the schedule off. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RFM_RECOMPUTE_INTERVAL_MS?: number;

  /** How often the projector evaluates the completed hours for anomaly alerts (once across replicas); 0 turns it off. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  ANOMALY_INTERVAL_MS?: number;

  /** Anomaly alerts: how many previous weeks' same hour make the expected value (default 4). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(52)
  ANOMALY_WEEKS?: number;

  /** Anomaly alerts: the relative deviation from the expected value, in percent, beyond which an hour alerts (default 40). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  ANOMALY_THRESHOLD_PCT?: number;

  /** Anomaly alerts: the expected volume (paid orders, visitors, payment attempts) an hour needs to alert (default 20). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ANOMALY_MIN_VOLUME?: number;

  /** Anomaly alerts: how long after an hour ends it is evaluated, so that late facts count (default 300000). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  ANOMALY_GRACE_MS?: number;

  /** Anomaly alerts: a SKU's refund rate (refunded / paid units over 30 days) above this percentage alerts (default 20). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  ANOMALY_REFUND_RATE_PCT?: number;

  /** Anomaly alerts: paid units a SKU needs over the 30 days for a refund-rate verdict (default 20). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ANOMALY_REFUND_MIN_UNITS?: number;

  /** Anomaly alerts: PaymentFailed events in a 10-minute window above which a burst alerts (default 20). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ANOMALY_BURST_FAILURES?: number;

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

  /** Co-purchase: a pair is answered once bought together in at least this many counted orders (default 2). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  COPURCHASE_MIN_SUPPORT_ORDERS?: number;
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
  anomalies: AnomalySettings;
  /** Day thresholds of the lifecycle stages (sleepingDays is RFM's). */
  lifecycle: LifecycleThresholds;
  cacheTtlMs: number;
  fixedNow: Date | null;
  /** Co-purchase: the minimum support count (orders with both SKUs) of an answered pair. */
  copurchase: { minSupportOrders: number };
}

function frequencyThresholds(value: string | undefined): [number, number, number, number] {
  if (!value) return [2, 3, 4, 5];
  const [f2, f3, f4, f5] = value.split(',').map(Number);
  if (!(1 <= f2 && f2 <= f3 && f3 <= f4 && f4 <= f5)) {
    throw new Error(`RFM_FREQUENCY_THRESHOLDS must rise from at least 1, e.g. 2,3,4,5; got ${value}`);
  }
  return [f2, f3, f4, f5];
}

/** Lifecycle thresholds; they must rise (new <= active <= sleeping <= lost), or the stages overlap. */
function lifecycleThresholds(env: NodeJS.ProcessEnv, sleepingDays: number): LifecycleThresholds {
  const t = {
    newDays: Number(env.LIFECYCLE_NEW_DAYS || 30),
    activeDays: Number(env.LIFECYCLE_ACTIVE_DAYS || 60),
    sleepingDays,
    lostDays: Number(env.LIFECYCLE_LOST_DAYS || 180),
  };
  if (!(t.newDays <= t.activeDays && t.activeDays <= t.sleepingDays && t.sleepingDays <= t.lostDays)) {
    throw new Error(
      `LIFECYCLE_NEW_DAYS <= LIFECYCLE_ACTIVE_DAYS <= RFM_SLEEPING_DAYS <= LIFECYCLE_LOST_DAYS must hold; got ` +
        `${t.newDays}, ${t.activeDays}, ${t.sleepingDays}, ${t.lostDays}`,
    );
  }
  return t;
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
    anomalies: {
      intervalMs: Number(env.ANOMALY_INTERVAL_MS ?? 60_000),
      weeks: Number(env.ANOMALY_WEEKS || 4),
      thresholdPct: Number(env.ANOMALY_THRESHOLD_PCT || 40),
      minVolume: Number(env.ANOMALY_MIN_VOLUME || 20),
      graceMs: Number(env.ANOMALY_GRACE_MS ?? 5 * 60_000),
      refundRatePct: Number(env.ANOMALY_REFUND_RATE_PCT || 20),
      refundMinUnits: Number(env.ANOMALY_REFUND_MIN_UNITS || 20),
      burstFailures: Number(env.ANOMALY_BURST_FAILURES || 20),
    },
    lifecycle: lifecycleThresholds(env, Number(env.RFM_SLEEPING_DAYS || 90)),
    cacheTtlMs: Number(env.ANALYTICS_CACHE_TTL_MS ?? 5000),
    fixedNow: env.ANALYTICS_FIXED_NOW ? new Date(env.ANALYTICS_FIXED_NOW) : null,
    copurchase: { minSupportOrders: Number(env.COPURCHASE_MIN_SUPPORT_ORDERS || 2) },
  };
}

/** Injection token of AnalyticsSettings in both apps. */
export const ANALYTICS_SETTINGS = Symbol('ANALYTICS_SETTINGS');
