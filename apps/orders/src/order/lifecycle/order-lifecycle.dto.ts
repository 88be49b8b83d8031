import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class CancelOrderDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'a short reason code or text; never personal data' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reason?: string;
}

export class ShipOrderDto {
  @ApiProperty({ example: 'SF Express', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  carrier: string;

  @ApiProperty({ example: 'SF1234567890', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  trackingNo: string;
}
