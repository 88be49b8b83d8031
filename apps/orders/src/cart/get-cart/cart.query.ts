import { AuthenticatedMember } from '@ecom/auth';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { assertCartAccess } from '../cart-access';
import { CartView, CartViews } from '../cart.view';
import { CartAggregate } from '../domain/cart.aggregate';

/** A cart as its owner sees it (carts have no read model: the committed state, priced today). */
@Injectable()
export class CartQuery {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly views: CartViews,
  ) {}

  async get(member: AuthenticatedMember | undefined, cartId: string): Promise<CartView> {
    const { state, version } = await this.runtime.commands.load(CartAggregate, cartId);
    assertCartAccess(member, state, version);
    return this.views.of(state);
  }
}
