import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { CHANNEL_PATTERN, OrderItemDto } from '../order/place-order/place-order.dto';

export class CreateCartDto {
  @ApiPropertyOptional({
    maxLength: 64,
    description: 'storefront visitor id; required without a token, default the member id',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  visitorId?: string;

  @ApiPropertyOptional({ example: 'app', pattern: CHANNEL_PATTERN.source })
  @IsOptional()
  @Matches(CHANNEL_PATTERN, { message: 'channel must be 1 to 32 characters of a-z, 0-9, _ and -' })
  channel?: string;
}

/** A SKU and a number of units to add; the price comes from the orders read model. */
export class AddCartItemDto extends OrderItemDto {}

export class CartLineView {
  @ApiProperty() sku: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ description: 'current price (minor units)' }) unitPrice: number;
  @ApiProperty() lineTotal: number;
  @ApiProperty({ description: 'false when the SKU can no longer be ordered' }) available: boolean;
}

export class CartView {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String }) memberId: string | null;
  @ApiProperty() visitorId: string;
  @ApiProperty({ nullable: true, type: String }) channel: string | null;
  @ApiProperty({ enum: ['OPEN', 'CHECKED_OUT'] }) status: string;
  @ApiProperty({ type: [CartLineView] }) items: CartLineView[];
  @ApiProperty() total: number;
  @ApiProperty() currency: string;
  @ApiProperty({ nullable: true, type: String }) orderId: string | null;
}
