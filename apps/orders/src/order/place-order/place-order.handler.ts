import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import {
  AppendToStream,
  foldEvents,
  InvalidCommandError,
  StreamVersionConflictError,
} from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { assertCartAccess } from '../../cart/cart-access';
import { CartAggregate } from '../../cart/domain/cart.aggregate';
import { checkOut } from '../../cart/domain/cart.decisions';
import { SkuPrices } from '../../pricing/sku-prices';
import { OrderAggregate } from '../domain/order.aggregate';
import { place } from '../domain/order.decisions';
import { CheckoutAttempt, CheckoutLimits } from './checkout-limits';
import { fingerprintOf, IdempotencyStore, IdempotentOutcome, StoredResponse } from './idempotency';
import { PlaceOrderDto, PlaceOrderResponse } from './place-order.dto';

/** Attempts of a cart checkout whose cart keeps changing under it before it is given up (409). */
const MAX_ATTEMPTS = 5;

/**
 * Checkout: prices the lines from the orders read model, appends OrderPlaced (and CartCheckedOut when
 * a cart is checked out, in the same transaction) and keeps the shipping address in the orders
 * database only. Inventory answers on Kafka; the saga confirms or rejects the order. Checkouts are
 * rate limited per member and per visitor, and a member's unpaid orders are capped (CheckoutLimits).
 */
@Injectable()
export class PlaceOrderHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly prices: SkuPrices,
    private readonly idempotency: IdempotencyStore,
    private readonly limits: CheckoutLimits,
  ) {}

  async execute(
    member: AuthenticatedMember,
    dto: PlaceOrderDto,
    context: EventContext,
    idempotencyKey?: string,
  ): Promise<IdempotentOutcome<PlaceOrderResponse>> {
    if (idempotencyKey === undefined) {
      return { ...(await this.placeOnce(member, dto, context, uuidv7())), replayed: false };
    }
    return this.idempotency.run({
      scope: member.id,
      key: idempotencyKey,
      fingerprint: fingerprintOf(dto),
      resourceId: uuidv7(),
      work: (orderId) => this.placeOnce(member, dto, context, orderId),
      recover: (orderId) => this.placedResponse(orderId),
    });
  }

  private async placeOnce(
    member: AuthenticatedMember,
    dto: PlaceOrderDto,
    context: EventContext,
    orderId: string,
  ): Promise<StoredResponse<PlaceOrderResponse>> {
    if (!!dto.items === !!dto.cartId) {
      throw new InvalidCommandError('send either items or cartId', 'ITEMS_OR_CART');
    }
    // The checkout's limits are charged once, however often a changing cart makes it decide again.
    let admitted: CheckoutAttempt | undefined;
    const admit = async (attempt: CheckoutAttempt) => {
      if (admitted) return;
      await this.limits.admit(attempt);
      admitted = attempt;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.placeAttempt(member, dto, context, orderId, admit);
      } catch (error) {
        // The cart changed between our read and the commit: read it again and decide again.
        if (!(error instanceof StreamVersionConflictError) || !dto.cartId || attempt >= MAX_ATTEMPTS) {
          if (admitted) await this.limits.release(admitted);
          throw error;
        }
      }
    }
  }

  /**
   * Reads (cart, prices) outside any transaction, decides, then commits the cart's CartCheckedOut,
   * the order's OrderPlaced and the shipping address through the group commit: one transaction for
   * the checkouts that arrive together, each checked against the versions it decided on.
   */
  private async placeAttempt(
    member: AuthenticatedMember,
    dto: PlaceOrderDto,
    context: EventContext,
    orderId: string,
    admit: (attempt: CheckoutAttempt) => Promise<void>,
  ): Promise<StoredResponse<PlaceOrderResponse>> {
    const address = dto.shippingAddress;
    const streams: AppendToStream[] = [];
    let items = dto.items ?? [];
    let visitorId = dto.visitorId ?? member.id;
    let channel = dto.channel ?? null;
    if (dto.cartId) {
      const { state: cart, version } = await this.runtime.commands.load(CartAggregate, dto.cartId);
      assertCartAccess(member, cart, version);
      items = cart.items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
      visitorId = dto.visitorId ?? cart.visitorId;
      channel = dto.channel ?? cart.channel;
      const events = checkOut(cart, { orderId, memberId: member.id, visitorId, channel });
      streams.push({
        aggregateType: CartAggregate.type,
        aggregateId: dto.cartId,
        expectedVersion: version,
        events,
      });
    }
    const skus = new Set<string>();
    for (const item of items) {
      if (skus.has(item.sku))
        throw new InvalidCommandError(`SKU ${item.sku} appears twice; send it once`, 'DUPLICATE_SKU');
      skus.add(item.sku);
    }
    // Rate limits and the unpaid-order cap: one Redis round trip, before the price read.
    await admit({ memberId: member.id, visitorId, orderId });
    const priced = await this.prices.priceLines(items);
    const placed = place(OrderAggregate.initialState, {
      kind: 'place',
      orderId,
      memberId: member.id,
      visitorId,
      channel,
      cartId: dto.cartId ?? null,
      lines: priced.lines,
      currency: priced.currency,
      shippingRegion: address.province ?? address.country,
      experiments: dto.experiments,
    });
    // A new order's stream: if the id is taken (an Idempotency-Key takeover), the commit conflicts.
    streams.push({
      aggregateType: OrderAggregate.type,
      aggregateId: orderId,
      expectedVersion: 0,
      events: placed,
    });
    await this.runtime.commands.commit({
      streams,
      context,
      alsoWrite: (tx) =>
        tx.query(`INSERT INTO order_shipping_addresses (order_id, address) VALUES ($1, $2)`, [
          orderId,
          JSON.stringify({
            name: address.name,
            phone: address.phone,
            line1: address.line1,
            line2: address.line2 ?? null,
            city: address.city,
            province: address.province ?? null,
            postalCode: address.postalCode,
            country: address.country,
          }),
        ]),
    });
    const order = foldEvents(OrderAggregate, placed, OrderAggregate.initialState);
    return {
      status: 202,
      body: { id: orderId, status: 'PENDING', total: order.total, currency: order.currency },
    };
  }

  /** The 202 answer of an order that exists (for an Idempotency-Key whose first request died). */
  private async placedResponse(orderId: string): Promise<StoredResponse<PlaceOrderResponse> | null> {
    const { state } = await this.runtime.commands.load(OrderAggregate, orderId);
    if (state.status === 'NEW') return null;
    return {
      status: 202,
      body: { id: orderId, status: 'PENDING', total: state.total, currency: state.currency },
    };
  }
}
