import { EXPERIMENT_NAME_PATTERN, experimentsProblem } from '@ecom/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';

export const TRACK_TYPES = ['page_view', 'product_view', 'search'] as const;
export type TrackType = (typeof TRACK_TYPES)[number];

/** The property must be absent unless `type` is the given one. */
function OnlyForType(type: TrackType, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'onlyForType',
      validator: {
        validate: (value, args) => value === undefined || (args?.object as { type?: string }).type === type,
        defaultMessage: (args) => `${args?.property} is only allowed for type ${type}`,
      },
    },
    options,
  );
}

/** A/B test assignments: at most 8, each key and variant 1-64 of A-Z a-z 0-9 _ . - (docs/contract.md). */
export function IsExperiments(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isExperiments',
      validator: {
        validate: (value) => experimentsProblem(value) === null,
        defaultMessage: (args) => experimentsProblem(args?.value, args?.property) ?? 'experiments is invalid',
      },
    },
    options,
  );
}

/** OpenAPI schema of the `experiments` field (the same on POST /v1/orders). */
export const EXPERIMENTS_PROPERTY = {
  type: 'object',
  additionalProperties: { type: 'string', pattern: EXPERIMENT_NAME_PATTERN.source },
  maxProperties: 8,
  example: { checkout_v2: 'B' },
  description:
    'A/B test assignments of the visitor, experiment key -> variant (at most 8; each 1-64 characters of A-Z, a-z, 0-9, _, . and -)',
} as const;

export class TrackEventDto {
  @ApiProperty({ enum: TRACK_TYPES })
  @IsIn(TRACK_TYPES)
  type: TrackType;

  @ApiProperty({ description: 'visitor id kept by the storefront (cookie or device id)', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  visitorId: string;

  @ApiPropertyOptional({ description: 'the signed-in member, if any', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  memberId?: string;

  @ApiPropertyOptional({ description: 'required for product_view, not allowed otherwise', maxLength: 64 })
  @OnlyForType('product_view')
  @ValidateIf((o: TrackEventDto) => o.type === 'product_view' || o.sku !== undefined)
  @IsString()
  @Length(1, 64)
  sku?: string;

  @ApiPropertyOptional({ description: 'required for search, not allowed otherwise', maxLength: 200 })
  @OnlyForType('search')
  @ValidateIf((o: TrackEventDto) => o.type === 'search' || o.query !== undefined)
  @IsString()
  @Length(1, 200)
  query?: string;

  @ApiPropertyOptional({ description: 'web, app, mini_program, ...', pattern: '^[a-z0-9_-]{1,32}$' })
  @IsOptional()
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'channel must be 1-32 characters of a-z, 0-9, _ and -' })
  channel?: string;

  @ApiPropertyOptional({
    description: 'when it happened (ISO-8601); at most a few minutes ahead and 7 days back. Default: now',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  occurredAt?: string;

  @ApiPropertyOptional(EXPERIMENTS_PROPERTY)
  @IsOptional()
  @IsExperiments()
  experiments?: Record<string, string>;
}

export class TrackBatchDto {
  @ApiProperty({ type: [TrackEventDto], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TrackEventDto)
  events: TrackEventDto[];
}

export class TrackAcceptedDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100, description: 'events stored' })
  accepted: number;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'ids of the stored events (UUIDv7), in request order',
  })
  ids: string[];
}
