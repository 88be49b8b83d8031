import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min, NotEquals } from 'class-validator';
import { MAX_UNITS } from '../receive-stock/receive-stock.dto';

export class AdjustStockDto {
  @ApiProperty({ example: 'TSHIRT-RED-M' }) @IsString() @Length(1, 64) sku!: string;
  @ApiProperty({ example: 'SH-01' }) @IsString() @Length(1, 64) warehouse!: string;

  @ApiProperty({ example: -2, description: 'units added (+) or removed (-); never 0' })
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_UNITS)
  @Max(MAX_UNITS)
  delta!: number;

  @ApiProperty({ example: 'damaged in storage' }) @IsString() @Length(1, 200) reason!: string;

  @ApiPropertyOptional({
    description: 'the batch corrected; without it removals take first-expiring stock first',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  batch?: string;
}
