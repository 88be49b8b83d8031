import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { assertCartAccess } from '../cart-access';
import { CartView, CartViews } from '../cart.view';
import { CartAggregate } from '../domain/cart.aggregate';
import { removeItem } from '../domain/cart.decisions';

/** Takes every unit of a SKU out of the cart. */
@Injectable()
export class RemoveCartItemHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly views: CartViews,
  ) {}

  async execute(
    member: AuthenticatedMember | undefined,
    cartId: string,
    sku: string,
    context: EventContext,
  ): Promise<CartView> {
    const result = await this.runtime.commands.execute(
      CartAggregate,
      cartId,
      (state, version) => {
        assertCartAccess(member, state, version);
        return removeItem(state, { sku });
      },
      context,
    );
    return this.views.of(result.state);
  }
}
