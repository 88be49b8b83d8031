import { AnalyticsEnvironment, AnalyticsSettings, readAnalyticsSettings } from '@ecom/analytics-read-models';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_STOCK_WARNING_PARAMS, StockWarningParams } from '../stock-warnings/domain/stock-warnings';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** The projector's variables besides the analytics context's (shared with the API). */
export class AnalyticsProjectorEnvironment extends AnalyticsEnvironment {
  /** How often the time-based stock warnings are re-evaluated (once across replicas); 0 turns it off. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  STOCK_WARNING_INTERVAL_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  STOCK_SALES_WINDOW_DAYS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(365)
  STOCK_COVER_DAYS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3650)
  STOCK_NEAR_EXPIRY_DAYS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  STOCK_SLOW_MOVING_DAYS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100)
  STOCK_SLOW_MOVING_SELL_THROUGH_PCT?: number;

  /** Kafka partitions one projector instance applies at the same time. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  PROJECTOR_PARTITIONS_CONCURRENCY?: number;
}

export interface AnalyticsProjectorSettings extends AnalyticsSettings {
  stockWarnings: StockWarningParams & { intervalMs: number };
  partitionsConcurrency: number;
}

export const ANALYTICS_PROJECTOR_SETTINGS = Symbol('ANALYTICS_PROJECTOR_SETTINGS');

export function readAnalyticsProjectorSettings(
  env: NodeJS.ProcessEnv = process.env,
): AnalyticsProjectorSettings {
  const d = DEFAULT_STOCK_WARNING_PARAMS;
  const int = (value: string | undefined, fallback: number) =>
    value === undefined || value === '' ? fallback : Number(value);
  return {
    ...readAnalyticsSettings(env),
    stockWarnings: {
      salesWindowDays: int(env.STOCK_SALES_WINDOW_DAYS, d.salesWindowDays),
      coverDays: int(env.STOCK_COVER_DAYS, d.coverDays),
      nearExpiryDays: int(env.STOCK_NEAR_EXPIRY_DAYS, d.nearExpiryDays),
      slowMovingDays: int(env.STOCK_SLOW_MOVING_DAYS, d.slowMovingDays),
      slowMovingSellThroughPct: int(env.STOCK_SLOW_MOVING_SELL_THROUGH_PCT, d.slowMovingSellThroughPct),
      intervalMs: int(env.STOCK_WARNING_INTERVAL_MS, 5 * 60_000),
    },
    partitionsConcurrency: int(env.PROJECTOR_PARTITIONS_CONCURRENCY, 3),
  };
}
