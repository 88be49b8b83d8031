import { ApiProperty } from '@nestjs/swagger';

/** Whom a per-SKU row is about: the SKU and its product and title as the catalog announced them. */
export class SkuIdentityResponse {
  @ApiProperty({ example: 'TEE-RED-M' })
  sku!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'null while the catalog has not announced the SKU',
  })
  productId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "the product's title; null while unknown" })
  title!: string | null;
}

/** A per-SKU row that is also grouped by the product's category. */
export class CategorisedSkuResponse extends SkuIdentityResponse {
  @ApiProperty({ type: String, nullable: true, description: "the product's category; null when it has none" })
  categoryId!: string | null;
}
