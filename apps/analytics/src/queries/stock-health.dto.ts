import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class StockHealthQueryDto {
  @ApiPropertyOptional({
    description: 'the sell-through window in days, ending now: units shipped in (now - days, now]',
    default: 30,
    minimum: 1,
    maximum: 366,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(366)
  days?: number;

  @ApiPropertyOptional({ description: 'only SKUs whose product is in this category (its id)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  category?: string;
}

export class ValueAtRiskQueryDto {
  @ApiPropertyOptional({
    description:
      'batches expiring within this many days from now count (expired ones too); default 30, the NEAR_EXPIRY horizon',
    default: 30,
    minimum: 0,
    maximum: 3650,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  withinDays?: number;
}
