import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

export const CLEARABLE_WARNING_TYPES = [
  'OUT_OF_STOCK',
  'BELOW_SAFETY_STOCK',
  'STOCKOUT_RISK',
  'NEAR_EXPIRY',
  'SLOW_MOVING',
] as const;
export type ClearableWarningType = (typeof CLEARABLE_WARNING_TYPES)[number];

/** Printable text only: no control characters (NUL) and no unpaired surrogates reach a query. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const PRINTABLE = /^(?:[^\u0000-\u001f\u007f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])+$/;

export class ClearStockWarningParams {
  @ApiProperty({ example: 'TEE-RED-M', minLength: 1, maxLength: 64 })
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE, { message: '$property must be printable characters' })
  sku!: string;

  @ApiProperty({ enum: CLEARABLE_WARNING_TYPES, example: 'OUT_OF_STOCK' })
  @IsIn(CLEARABLE_WARNING_TYPES, {
    message: `$property must be one of ${CLEARABLE_WARNING_TYPES.join(', ')}`,
  })
  type!: ClearableWarningType;
}

export class ClearStockWarningQuery {
  @ApiPropertyOptional({
    example: 'SH-01',
    description: 'the warehouse of a per-warehouse warning (NEAR_EXPIRY); omit for a SKU-wide one',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE, { message: '$property must be printable characters' })
  warehouse?: string;
}
