import { EXPERIMENT_NAME_PATTERN, experimentsProblem } from '@ecom/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsObject,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

export const CHANNEL_PATTERN = /^[a-z0-9_-]{1,32}$/;

/** A/B test assignments: at most 8, each key and variant 1-64 of A-Z a-z 0-9 _ . - (docs/contract.md). */
function IsExperiments() {
  return ValidateBy({
    name: 'isExperiments',
    validator: {
      validate: (value) => experimentsProblem(value) === null,
      defaultMessage: (args) => experimentsProblem(args?.value, args?.property) ?? 'experiments is invalid',
    },
  });
}

/** A SKU and how many units; never a price (prices come from the orders read model). */
export class OrderItemDto {
  @ApiProperty({ example: 'TEE-RED-M', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  sku: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: 999 })
  @IsInt()
  @Min(1)
  @Max(999)
  quantity: number;
}

export class ShippingAddressDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ maxLength: 32 })
  @IsString()
  @Length(1, 32)
  phone: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  line1: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  line2?: string;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @Length(1, 100)
  city: string;

  @ApiPropertyOptional({ maxLength: 64, description: 'published on events as the shipping region' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  province?: string;

  @ApiProperty({ maxLength: 20 })
  @IsString()
  @Length(1, 20)
  postalCode: string;

  @ApiProperty({ maxLength: 64, example: 'CN' })
  @IsString()
  @Length(1, 64)
  country: string;
}

export class PlaceOrderDto {
  @ApiPropertyOptional({ type: [OrderItemDto], description: 'the lines to order; or give cartId instead' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items?: OrderItemDto[];

  @ApiPropertyOptional({ description: 'check out this cart instead of sending items' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  cartId?: string;

  @ApiProperty({ type: ShippingAddressDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ShippingAddressDto)
  shippingAddress: ShippingAddressDto;

  @ApiPropertyOptional({
    maxLength: 64,
    description: "storefront visitor id (default: the cart's, else the member id)",
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  visitorId?: string;

  @ApiPropertyOptional({ example: 'web', pattern: CHANNEL_PATTERN.source })
  @IsOptional()
  @Matches(CHANNEL_PATTERN, { message: 'channel must be 1 to 32 characters of a-z, 0-9, _ and -' })
  channel?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', pattern: EXPERIMENT_NAME_PATTERN.source },
    maxProperties: 8,
    example: { checkout_v2: 'B' },
    description:
      "the visitor's A/B test assignments, experiment key -> variant (at most 8; each 1-64 characters of " +
      'A-Z, a-z, 0-9, _, . and -), published on OrderPlaced for the A/B readouts',
  })
  @IsOptional()
  @IsExperiments()
  experiments?: Record<string, string>;
}

export class PlaceOrderResponse {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'PENDING' }) status: 'PENDING';
  @ApiProperty({ description: 'minor units' }) total: number;
  @ApiProperty({ example: 'CNY' }) currency: string;
}
