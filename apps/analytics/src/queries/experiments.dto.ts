import { EXPERIMENT_NAME_PATTERN } from '@ecom/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { RangeQueryDto } from './query.dto';

const NAME_MESSAGE = (property: string) => `${property} must be 1-64 characters of A-Z, a-z, 0-9, _, . and -`;

export class ExperimentParamsDto {
  @ApiProperty({
    description: 'the experiment key',
    pattern: EXPERIMENT_NAME_PATTERN.source,
    example: 'checkout_v2',
  })
  @Matches(EXPERIMENT_NAME_PATTERN, { message: NAME_MESSAGE('key') })
  key!: string;
}

export class ExperimentQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({
    description:
      'the variant the others are compared with; default: the variant named "control", else the first variant in code-point order',
    pattern: EXPERIMENT_NAME_PATTERN.source,
  })
  @IsOptional()
  @Matches(EXPERIMENT_NAME_PATTERN, { message: NAME_MESSAGE('control') })
  control?: string;

  @ApiPropertyOptional({
    description: 'ISO 4217 code of the paid orders and revenue; default ANALYTICS_CURRENCY (CNY)',
    pattern: '^[A-Z]{3}$',
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency?: string;
}

/** The list: every experiment seen, or those with visitors first exposed in from..to when either is given. */
export class ExperimentListQueryDto extends RangeQueryDto {}
