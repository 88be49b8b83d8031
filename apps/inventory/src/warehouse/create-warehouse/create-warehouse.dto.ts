import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { WAREHOUSE_CODE_PATTERN } from '../domain/warehouse.decisions';

export class CreateWarehouseDto {
  @ApiProperty({ example: 'SH-01', description: 'unique code; names the warehouse in every API and event' })
  @IsString()
  @Matches(WAREHOUSE_CODE_PATTERN, { message: 'code must be 1 to 64 letters, digits, ".", "_" or "-"' })
  code!: string;

  @ApiProperty({ example: 'Shanghai distribution centre' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({
    example: 'Shanghai',
    description: 'province or country served; preferred for orders shipping there',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  region?: string;
}

export class WarehouseResponse {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty() createdAt!: string;
}
