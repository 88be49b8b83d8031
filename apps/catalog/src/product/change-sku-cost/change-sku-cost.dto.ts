import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';
import { MAX_MONEY } from '../domain/product.rules';
import { COST_MESSAGE } from '../create-product/create-product.dto';

export class ChangeSkuCostDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 900,
    minimum: 0,
    description: 'unit cost in minor units; null when unknown',
  })
  @ValidateIf((o: ChangeSkuCostDto) => o.cost !== null)
  @IsInt({ message: COST_MESSAGE })
  @Min(0, { message: COST_MESSAGE })
  @Max(MAX_MONEY)
  cost!: number | null;
}
