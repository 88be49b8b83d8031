import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { InvalidCommandError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { CartView, CartViews } from '../cart.view';
import { CartAggregate } from '../domain/cart.aggregate';
import { createCart } from '../domain/cart.decisions';
import type { CreateCartDto } from './create-cart.dto';

/** A member's cart (with a token) or an anonymous visitor's (visitorId required). */
@Injectable()
export class CreateCartHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly views: CartViews,
  ) {}

  async execute(
    member: AuthenticatedMember | undefined,
    dto: CreateCartDto,
    context: EventContext,
  ): Promise<CartView> {
    const visitorId = dto.visitorId ?? member?.id;
    if (!visitorId)
      throw new InvalidCommandError('visitorId is required for an anonymous cart', 'VISITOR_REQUIRED');
    const cartId = uuidv7();
    const result = await this.runtime.commands.execute(
      CartAggregate,
      cartId,
      (state) =>
        createCart(state, { cartId, memberId: member?.id ?? null, visitorId, channel: dto.channel ?? null }),
      context,
    );
    return this.views.of(result.state);
  }
}
