import { RFM_SEGMENTS } from '@ecom/analytics-read-models';
import { STOCK_WARNING_TYPES } from '@ecom/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayMessage = (property: string) => `${property} must be a day as YYYY-MM-DD`;
const SEGMENT_VALUES = RFM_SEGMENTS.flatMap((s) => [s.code, s.name]);

export class RangeQueryDto {
  @ApiPropertyOptional({
    description:
      'first day (YYYY-MM-DD, ANALYTICS_TZ), included; default: the range of 7 days ending with to (30 for the product matrix)',
    format: 'date',
    example: '2026-11-01',
  })
  @IsOptional()
  @Matches(DAY, { message: dayMessage('from') })
  from?: string;

  @ApiPropertyOptional({
    description: 'last day (YYYY-MM-DD, ANALYTICS_TZ), included; default today',
    format: 'date',
    example: '2026-11-11',
  })
  @IsOptional()
  @Matches(DAY, { message: dayMessage('to') })
  to?: string;
}

export class FunnelQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({
    description: 'only visitors whose first touch that day was on this channel',
    pattern: '^[a-z0-9_-]{1,32}$',
  })
  @IsOptional()
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'channel must be 1-32 characters of a-z, 0-9, _ and -' })
  channel?: string;
}

export class SalesQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({ enum: ['day'], default: 'day' })
  @IsOptional()
  @IsIn(['day'])
  granularity?: 'day';

  @ApiPropertyOptional({
    description: 'ISO 4217 code; default ANALYTICS_CURRENCY (CNY)',
    pattern: '^[A-Z]{3}$',
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency?: string;
}

export class MatrixQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({
    description: 'ISO 4217 code; default ANALYTICS_CURRENCY (CNY)',
    pattern: '^[A-Z]{3}$',
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency?: string;
}

/** A page of a list: at most `limit` rows (1..500, default 50) after skipping `offset` (default 0). */
export class PageQueryDto {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}

export class RfmListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'segment code or name, e.g. at_risk or "At Risk"',
    enum: SEGMENT_VALUES,
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  segment?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  sleeping?: 'true' | 'false';
}

export class StockWarningsQueryDto {
  @ApiPropertyOptional({ enum: STOCK_WARNING_TYPES })
  @IsOptional()
  @IsIn(STOCK_WARNING_TYPES)
  type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  sku?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  warehouse?: string;
}
