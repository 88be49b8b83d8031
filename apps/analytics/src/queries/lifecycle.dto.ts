import { LIFECYCLE_STAGE_CODES, LifecycleStage } from '@ecom/analytics-read-models';
import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { PageQueryDto, RangeQueryDto } from './query.dto';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class LifecycleQueryDto {
  @ApiPropertyOptional({
    description: 'the day the stages are as of (YYYY-MM-DD, ANALYTICS_TZ); default today',
    format: 'date',
    example: '2026-11-11',
  })
  @IsOptional()
  @Matches(DAY, { message: 'asOf must be a day as YYYY-MM-DD' })
  asOf?: string;
}

export class LifecycleMembersQueryDto extends IntersectionType(LifecycleQueryDto, PageQueryDto) {
  @ApiPropertyOptional({ enum: LIFECYCLE_STAGE_CODES, description: 'one stage; default every stage' })
  @IsOptional()
  @IsIn(LIFECYCLE_STAGE_CODES)
  stage?: LifecycleStage;
}

/** from/to are days; the default range is the 365 days ending with to (at most 366 days). */
export class RepurchaseQueryDto extends RangeQueryDto {}

export class CohortsQueryDto {
  @ApiPropertyOptional({
    description: 'first cohort month (YYYY-MM, ANALYTICS_TZ), included; default 11 months before to',
    pattern: MONTH.source,
    example: '2026-01',
  })
  @IsOptional()
  @Matches(MONTH, { message: 'from must be a month as YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({
    description: 'last cohort month (YYYY-MM, ANALYTICS_TZ), included; default the current month',
    pattern: MONTH.source,
    example: '2026-11',
  })
  @IsOptional()
  @Matches(MONTH, { message: 'to must be a month as YYYY-MM' })
  to?: string;

  @ApiPropertyOptional({
    description: 'how many months after each cohort month to report (never past the current month)',
    default: 12,
    minimum: 1,
    maximum: 36,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(36)
  months?: number;
}
