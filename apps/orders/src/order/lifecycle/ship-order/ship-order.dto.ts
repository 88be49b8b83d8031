import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

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
