import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  ATTRIBUTE_KEY_MAX_LENGTH,
  ATTRIBUTE_VALUE_MAX_LENGTH,
  CURRENCY_PATTERN,
  DESCRIPTION_MAX_LENGTH,
  MAX_ATTRIBUTES,
  MAX_MONEY,
  MAX_SKUS_PER_PRODUCT,
  SKU_CODE_PATTERN,
  TITLE_MAX_LENGTH,
} from '../domain/product.rules';
import { IsStringMap } from '../../shared/string-map.validator';

export const ATTRIBUTE_LIMITS = {
  maxEntries: MAX_ATTRIBUTES,
  maxKeyLength: ATTRIBUTE_KEY_MAX_LENGTH,
  maxValueLength: ATTRIBUTE_VALUE_MAX_LENGTH,
};

export const attributesApiProperty = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: `free-form string attributes (at most ${MAX_ATTRIBUTES})`,
  example: { colour: 'red', size: 'M' },
} as const;

export const PRICE_MESSAGE = '$property must be a positive integer in minor units (1999 = 19.99)';
export const COST_MESSAGE = '$property must be an integer >= 0 in minor units';

export class CreateSkuDto {
  @ApiProperty({
    example: 'TEE-RED-M',
    pattern: SKU_CODE_PATTERN.source,
    description: 'unique across the catalog',
  })
  @IsString()
  @Matches(SKU_CODE_PATTERN, {
    message: "$property must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
  })
  code!: string;

  @ApiProperty({ example: 1999, minimum: 1, description: 'selling price in minor units (1999 = 19.99)' })
  @IsInt({ message: PRICE_MESSAGE })
  @Min(1, { message: PRICE_MESSAGE })
  @Max(MAX_MONEY)
  price!: number;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 800,
    minimum: 0,
    description: 'unit cost in minor units',
  })
  @IsOptional()
  @IsInt({ message: COST_MESSAGE })
  @Min(0, { message: COST_MESSAGE })
  @Max(MAX_MONEY)
  cost?: number | null;

  @ApiPropertyOptional({ example: 'CNY', default: 'CNY', pattern: CURRENCY_PATTERN.source })
  @IsOptional()
  @Matches(CURRENCY_PATTERN, { message: '$property must be an ISO 4217 code such as CNY' })
  currency?: string;

  @ApiPropertyOptional(attributesApiProperty)
  @IsOptional()
  @IsStringMap(ATTRIBUTE_LIMITS)
  attributes?: Record<string, string>;
}

export class CreateProductDto {
  @ApiProperty({ example: 'Organic cotton T-shirt', maxLength: TITLE_MAX_LENGTH })
  @IsString()
  @Length(1, TITLE_MAX_LENGTH)
  title!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: DESCRIPTION_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX_LENGTH)
  description?: string | null;

  @ApiProperty({ description: 'a category id; the product can be published only in a leaf category' })
  @IsString()
  @Length(1, 64)
  categoryId!: string;

  @ApiPropertyOptional(attributesApiProperty)
  @IsOptional()
  @IsStringMap(ATTRIBUTE_LIMITS)
  attributes?: Record<string, string>;

  @ApiProperty({
    type: [CreateSkuDto],
    description: `0 to ${MAX_SKUS_PER_PRODUCT} SKUs; more can be added later`,
  })
  @IsArray()
  @ArrayMaxSize(MAX_SKUS_PER_PRODUCT)
  @ValidateNested({ each: true })
  @Type(() => CreateSkuDto)
  skus!: CreateSkuDto[];
}
