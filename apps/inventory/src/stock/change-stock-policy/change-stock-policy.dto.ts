import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_UNITS } from '../receive-stock/receive-stock.dto';

export class ChangeStockPolicyDto {
  @ApiProperty({ minimum: 0, example: 20, description: 'units below which the SKU is BELOW_SAFETY_STOCK' })
  @IsInt()
  @Min(0)
  @Max(MAX_UNITS)
  safetyStock!: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    example: 7,
    nullable: true,
    description: 'replenishment lead time in days',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  leadTimeDays?: number | null;
}
