import { Account } from '../api/account';
import { ApiError, sleep } from '../api/service-api';
import { dayOf } from '@ecom/analytics-read-models/calendar';
import type { OrderSource } from '../domain/bookkeeping';
import type { Checkout, FulfilmentPlan } from '../domain/live-day-plan';
import type { MemberPlan } from '../domain/members-plan';
import type { RunContext } from './run-context';

const CITIES = [
  { city: 'Shanghai', province: 'Shanghai', postalCode: '200000' },
  { city: 'Hangzhou', province: 'Zhejiang', postalCode: '310000' },
  { city: 'Shenzhen', province: 'Guangdong', postalCode: '518000' },
  { city: 'Chengdu', province: 'Sichuan', postalCode: '610000' },
  { city: 'Beijing', province: 'Beijing', postalCode: '100000' },
];

/** A shipping address for a shopper (the city follows the shopper's number). */
export function addressOf(member: MemberPlan): Record<string, string> {
  const place = CITIES[member.index % CITIES.length];
  return {
    name: member.displayName,
    phone: member.phone ?? '+86 138 0000 0000',
    line1: `${(member.index % 800) + 1} Garden Road`,
    ...place,
    country: 'CN',
  };
}

export interface PlacedOrder {
  id: string;
  total: number;
  checkout: Checkout;
}

/** A paid order waiting for the back office (and, after delivery, for the shopper). */
export interface FulfilmentTask {
  orderId: string;
  account: Account;
  lines: { sku: string; quantity: number }[];
  plan: FulfilmentPlan;
}

/** Orders prices from its own read model fed by catalog.events: right after seeding it may lag. */
const PRICE_PATIENCE_MS = 60_000;

/** Creates a cart (a member's with a token, else an anonymous visitor's) and returns its id. */
export async function createCart(
  ctx: RunContext,
  visitorId: string,
  channel: string,
  account: Account | null,
): Promise<string> {
  const token = account ? await account.bearer() : undefined;
  const cart = await ctx.api.orders.post<{ id: string }>('/v1/carts', { visitorId, channel }, { token });
  ctx.books.live.carts++;
  return cart.body.id;
}

/** Adds a line; a SKU orders does not price yet (422 SKU_NOT_AVAILABLE) is tried again for a while. */
export async function addToCart(
  ctx: RunContext,
  cartId: string,
  line: { sku: string; quantity: number },
  account: Account | null,
): Promise<void> {
  const deadline = Date.now() + PRICE_PATIENCE_MS;
  for (;;) {
    const token = account ? await account.bearer() : undefined;
    const answer = await ctx.api.orders.post<{ code?: string }>(`/v1/carts/${cartId}/items`, line, {
      token,
      expect: [201, 422],
    });
    if (answer.status === 201) break;
    if (answer.body.code !== 'SKU_NOT_AVAILABLE' || Date.now() > deadline)
      throw new ApiError(`orders POST /v1/carts/${cartId}/items`, 422, answer.body);
    await sleep(500);
  }
  ctx.books.live.cartLines++;
}

/** Checks a cart out over REST or gRPC, with an idempotency key so a call sent again places one order. */
export async function checkOut(
  ctx: RunContext,
  options: {
    cartId: string;
    visitorId: string;
    channel: string;
    checkout: Checkout;
    account: Account;
    member: MemberPlan;
    /** The visitor's A/B test assignments, sent with the order as a storefront does. */
    experiments: Record<string, string>;
  },
): Promise<PlacedOrder> {
  const key = `${ctx.options.prefix}-${options.visitorId}`;
  const token = await options.account.bearer();
  const shippingAddress = addressOf(options.member);
  if (options.checkout === 'grpc') {
    const order = await ctx.grpc.placeOrder(
      {
        cartId: options.cartId,
        shippingAddress,
        visitorId: options.visitorId,
        channel: options.channel,
        idempotencyKey: key,
        experiments: options.experiments,
      },
      token,
    );
    return { id: order.id, total: Number(order.total), checkout: 'grpc' };
  }
  const placed = await ctx.api.orders.post<{ id: string; total: number }>(
    '/v1/orders',
    {
      cartId: options.cartId,
      shippingAddress,
      visitorId: options.visitorId,
      channel: options.channel,
      experiments: options.experiments,
    },
    { token, headers: { 'idempotency-key': key }, idempotent: true, expect: [202] },
  );
  return { id: placed.body.id, total: placed.body.total, checkout: 'rest' };
}

const DECIDED = ['CONFIRMED', 'REJECTED'];
const DECISION_PATIENCE_MS = 120_000;

/**
 * Waits for inventory's answer as a storefront does: the REST long poll for REST orders, the gRPC
 * WatchOrder stream for gRPC ones.
 */
export async function awaitDecision(
  ctx: RunContext,
  order: PlacedOrder,
  account: Account,
): Promise<'CONFIRMED' | 'REJECTED'> {
  const deadline = Date.now() + DECISION_PATIENCE_MS;
  while (Date.now() < deadline) {
    const token = await account.bearer();
    const status =
      order.checkout === 'grpc'
        ? (await ctx.grpc.watchUntil(order.id, DECIDED, token, 20_000)).status
        : (
            await ctx.api.orders.get<{ status: string }>(
              `/v1/orders/${order.id}?waitFor=CONFIRMED,REJECTED&timeoutMs=10000`,
              {
                token,
              },
            )
          ).body.status;
    if (status === 'CONFIRMED' || status === 'REJECTED') return status;
  }
  throw new Error(
    `order ${order.id} was neither confirmed nor rejected within ${DECISION_PATIENCE_MS / 1000} s`,
  );
}

/**
 * Pays the order's total: true when paid (booked on the day it was paid), false when the gateway
 * declined it (402: the simulated gateway's failure rate).
 */
export async function pay(
  ctx: RunContext,
  order: PlacedOrder,
  account: Account,
  method: string,
  source: OrderSource,
): Promise<boolean> {
  const sentAt = Date.now();
  const answer = await ctx.api.orders.post(
    `/v1/orders/${order.id}/payments`,
    { amount: order.total, method },
    { token: await account.bearer(), expect: [201, 402] },
  );
  if (answer.status === 402) return false;
  ctx.books.recordPaid({
    orderId: order.id,
    memberId: await account.memberId(),
    amount: order.total,
    day: await dayOfStatus(ctx, order.id, account, 'PAID', sentAt),
    source,
  });
  return true;
}

/**
 * Cancels the order; a paid one is refunded in full (the refund booked on the day of the
 * cancellation). Answers the amount refunded.
 */
export async function cancel(
  ctx: RunContext,
  order: PlacedOrder,
  account: Account,
  reason: string,
  source: OrderSource,
): Promise<number> {
  const sentAt = Date.now();
  const answer = await ctx.api.orders.post<{ refunded: number }>(
    `/v1/orders/${order.id}/cancel`,
    { reason },
    { token: await account.bearer() },
  );
  if (answer.body.refunded > 0)
    ctx.books.recordRefund({
      orderId: order.id,
      amount: answer.body.refunded,
      day: await dayOfStatus(ctx, order.id, account, 'CANCELLED', sentAt),
      source,
    });
  return answer.body.refunded;
}

/**
 * The analytics day of a status change made by a request sent at `sentAt`: the day now, unless the
 * request straddled midnight, when the order's own history says when it happened.
 */
async function dayOfStatus(
  ctx: RunContext,
  orderId: string,
  account: Account,
  status: string,
  sentAt: number,
): Promise<string> {
  const { timeZone } = ctx.options;
  const now = Date.now();
  if (dayOf(sentAt, timeZone) === dayOf(now, timeZone)) return dayOf(now, timeZone);
  const order = await ctx.api.orders.get<{ history: { status: string; at: string }[] }>(
    `/v1/orders/${orderId}`,
    {
      token: await account.bearer(),
    },
  );
  const change = order.body.history.find((h) => h.status === status);
  return dayOf(change ? change.at : now, timeZone);
}
