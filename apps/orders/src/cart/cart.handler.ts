import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { InvalidCommandError, NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { SkuPrices } from '../pricing/sku-prices';
import { CartView } from './cart.dto';
import { CartAggregate, CartState } from './domain/cart.aggregate';
import { addItem, createCart, removeItem } from './domain/cart.decisions';

/**
 * Carts of members and of anonymous visitors. A member's cart is only theirs (anyone else: 404); an
 * anonymous cart is addressed by its id, a UUIDv7 with 74 random bits that cannot be guessed.
 */
@Injectable()
export class CartHandler {
  private readonly carts;

  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly prices: SkuPrices,
  ) {
    this.carts = runtime.repository(CartAggregate);
  }

  async create(
    member: AuthenticatedMember | undefined,
    input: { visitorId?: string; channel?: string },
    context: EventContext,
  ): Promise<CartView> {
    const visitorId = input.visitorId ?? member?.id;
    if (!visitorId)
      throw new InvalidCommandError('visitorId is required for an anonymous cart', 'VISITOR_REQUIRED');
    const cartId = uuidv7();
    const result = await this.carts.execute(
      cartId,
      (state) =>
        createCart(state, {
          cartId,
          memberId: member?.id ?? null,
          visitorId,
          channel: input.channel ?? null,
        }),
      context,
    );
    return this.view(result.state);
  }

  async addItem(
    member: AuthenticatedMember | undefined,
    cartId: string,
    input: { sku: string; quantity: number },
    context: EventContext,
  ): Promise<CartView> {
    const result = await this.carts.execute(
      cartId,
      async (state, version) => {
        assertCartAccess(member, state, version);
        const price = await this.prices.orderable(this.runtime.dataSource, input.sku);
        return addItem(state, {
          sku: input.sku,
          quantity: input.quantity,
          unitPrice: price.price,
          currency: price.currency,
        });
      },
      context,
    );
    return this.view(result.state);
  }

  async removeItem(
    member: AuthenticatedMember | undefined,
    cartId: string,
    sku: string,
    context: EventContext,
  ): Promise<CartView> {
    const result = await this.carts.execute(
      cartId,
      (state, version) => {
        assertCartAccess(member, state, version);
        return removeItem(state, sku);
      },
      context,
    );
    return this.view(result.state);
  }

  async get(member: AuthenticatedMember | undefined, cartId: string): Promise<CartView> {
    const { state, version } = await this.carts.load(this.runtime.dataSource, cartId);
    assertCartAccess(member, state, version);
    return this.view(state);
  }

  /** The cart priced at today's prices (checkout prices it the same way). */
  private async view(state: CartState): Promise<CartView> {
    const prices = await this.prices.find(
      this.runtime.dataSource,
      state.items.map((i) => i.sku),
    );
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

function assertCartAccess(member: AuthenticatedMember | undefined, state: CartState, version: number): void {
  if (version === 0 || (state.memberId !== null && state.memberId !== member?.id)) {
    throw new NotFoundError('cart not found', 'CART_NOT_FOUND');
  }
}
