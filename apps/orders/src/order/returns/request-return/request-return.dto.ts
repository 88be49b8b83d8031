import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { RETURN_REASONS, ReturnReasonCode } from '@ecom/contracts';
import { OrderItemDto } from '../../place-order/place-order.dto';

export class RequestReturnDto {
  @ApiProperty({ type: [OrderItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items: OrderItemDto[];

  @ApiProperty({ enum: RETURN_REASONS })
  @IsIn(RETURN_REASONS)
  reason: ReturnReasonCode;

  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'free text for the back office; kept in the orders database, never in events',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}
