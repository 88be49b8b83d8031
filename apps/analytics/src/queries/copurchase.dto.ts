import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Length, Max, Min, IsOptional } from 'class-validator';

/** The co-purchase answers' page size: top N partners of a SKU, top N pairs overall. */
export class CopurchaseQueryDto {
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

/** The SKU whose partners are asked for (the catalog's SKU codes are 1-64 characters). */
export class CopurchaseSkuParams {
  @ApiProperty({ example: 'TEE-RED-M', minLength: 1, maxLength: 64 })
  @IsString()
  @Length(1, 64)
  sku!: string;
}
