import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { SkuPrices } from '../../pricing/sku-prices';
import { assertCartAccess } from '../cart-access';
import { CartView, CartViews } from '../cart.view';
import { CartAggregate } from '../domain/cart.aggregate';
import { addItem } from '../domain/cart.decisions';
import type { AddCartItemDto } from './add-cart-item.dto';

/** Adds units of an orderable SKU at its current price (422 when the SKU is unknown or not listed). */
@Injectable()
export class AddCartItemHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly prices: SkuPrices,
    private readonly views: CartViews,
  ) {}

  async execute(
    member: AuthenticatedMember | undefined,
    cartId: string,
    dto: AddCartItemDto,
    context: EventContext,
  ): Promise<CartView> {
    const result = await this.runtime.commands.execute(
      CartAggregate,
      cartId,
      async (state, version) => {
        assertCartAccess(member, state, version);
        const price = await this.prices.orderable(dto.sku);
        return addItem(state, {
          sku: dto.sku,
          quantity: dto.quantity,
          unitPrice: price.price,
          currency: price.currency,
        });
      },
      context,
    );
    return this.views.of(result.state);
  }
}
