import { ApiProperty } from '@nestjs/swagger';
import { Injectable } from '@nestjs/common';
import { SkuPrices } from '../pricing/sku-prices';
import type { CartState } from './domain/cart.aggregate';

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

/** What every cart route answers: the cart priced at today's prices (checkout prices it the same way). */
@Injectable()
export class CartViews {
  constructor(private readonly prices: SkuPrices) {}

  async of(state: CartState): Promise<CartView> {
    const prices = await this.prices.find(state.items.map((i) => i.sku));
    const items = state.items.map((i) => {
      const current = prices.get(i.sku);
      const unitPrice = current?.price ?? i.unitPrice;
      return {
        sku: i.sku,
        quantity: i.quantity,
        unitPrice,
        lineTotal: unitPrice * i.quantity,
        available: !!current?.orderable,
      };
    });
    return {
      id: state.cartId,
      memberId: state.memberId,
      visitorId: state.visitorId,
      channel: state.channel,
      status: state.status,
      items,
      total: items.reduce((sum, i) => sum + i.lineTotal, 0),
      currency: state.items[0]?.currency ?? 'CNY',
      orderId: state.orderId,
    };
  }
}
