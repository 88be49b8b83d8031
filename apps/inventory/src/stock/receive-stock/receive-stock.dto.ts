import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const MAX_UNITS = 100_000_000;

export class ReceiveStockDto {
  @ApiProperty({ example: 'TSHIRT-RED-M' }) @IsString() @Length(1, 64) sku!: string;
  @ApiProperty({ example: 'SH-01' }) @IsString() @Length(1, 64) warehouse!: string;
  @ApiProperty({ minimum: 1, example: 100 }) @IsInt() @Min(1) @Max(MAX_UNITS) quantity!: number;

  @ApiPropertyOptional({ example: 'LOT-2026-11', description: 'batch (lot) code' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  batch?: string;

  @ApiPropertyOptional({ example: '2027-05-31T00:00:00Z', description: 'expiry of the batch (needs batch)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}
