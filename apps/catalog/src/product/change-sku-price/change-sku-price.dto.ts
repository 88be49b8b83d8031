import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_MONEY } from '../domain/product.rules';
import { PRICE_MESSAGE } from '../create-product/create-product.dto';

export class ChangeSkuPriceDto {
  @ApiProperty({ example: 2599, minimum: 1, description: 'new selling price in minor units (1999 = 19.99)' })
  @IsInt({ message: PRICE_MESSAGE })
  @Min(1, { message: PRICE_MESSAGE })
  @Max(MAX_MONEY)
  price!: number;
}
