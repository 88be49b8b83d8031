import { BaseEnvironment } from '@ecom/platform';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** Variables of the inventory service, validated at start-up. */
export class InventoryEnvironment extends BaseEnvironment {
  /** How long a SKU's availability stays in Redis without a change refreshing it (default 3600 s). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  AVAILABILITY_CACHE_TTL_SECONDS?: number;

  /** orders.events partitions the reservation consumer handles at the same time (default 3). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  ORDER_EVENTS_CONCURRENCY?: number;
}
