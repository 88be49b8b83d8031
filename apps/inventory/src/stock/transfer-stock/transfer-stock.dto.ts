import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { MAX_UNITS } from '../receive-stock/receive-stock.dto';

export class TransferStockDto {
  @ApiProperty({ example: 'TSHIRT-RED-M' }) @IsString() @Length(1, 64) sku!: string;
  @ApiProperty({ example: 'SH-01' }) @IsString() @Length(1, 64) from!: string;
  @ApiProperty({ example: 'BJ-01' }) @IsString() @Length(1, 64) to!: string;
  @ApiProperty({ minimum: 1, example: 20, description: 'at most the available (unreserved) units in `from`' })
  @IsInt()
  @Min(1)
  @Max(MAX_UNITS)
  quantity!: number;
}
