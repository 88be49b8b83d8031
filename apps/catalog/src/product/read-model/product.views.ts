import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PRODUCT_STATUSES, ProductStatus, SKU_STATUSES, SkuStatus } from '../domain/product.aggregate';

const attributesSchema = {
  type: 'object',
  additionalProperties: { type: 'string' },
  example: { colour: 'red', size: 'M' },
} as const;

export class SkuView {
  @ApiProperty({ example: 'TEE-RED-M' })
  code!: string;

  @ApiProperty()
  productId!: string;

  @ApiProperty({ description: 'selling price in minor units (1999 = 19.99)', example: 1999 })
  price!: number;

  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'unit cost in minor units; only shown to operators',
  })
  cost?: number | null;

  @ApiProperty(attributesSchema)
  attributes!: Record<string, string>;

  @ApiProperty({ enum: SKU_STATUSES })
  status!: SkuStatus;
}

export class SkuDetailView extends SkuView {
  @ApiProperty({ enum: PRODUCT_STATUSES, description: 'listing status of the product the SKU belongs to' })
  productStatus!: ProductStatus;
}

export class ProductView {
  @ApiProperty()
  id!: string;

  @ApiProperty({ example: 'Organic cotton T-shirt' })
  title!: string;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty()
  categoryId!: string;

  @ApiProperty({ enum: PRODUCT_STATUSES })
  status!: ProductStatus;

  @ApiProperty(attributesSchema)
  attributes!: Record<string, string>;

  @ApiProperty({ type: [SkuView] })
  skus!: SkuView[];

  @ApiProperty({ description: 'stream version of the product (increases with every change)' })
  version!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ProductPage {
  @ApiProperty({ type: [ProductView] })
  items!: ProductView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'pass as ?cursor= for the next page; null on the last page',
  })
  nextCursor!: string | null;
}
