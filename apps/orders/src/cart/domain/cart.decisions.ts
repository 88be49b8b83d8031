import { BusinessRuleError, IllegalTransitionError, NotFoundError } from '@ecom/event-sourcing/domain';
import { CartEvent, CartState } from './cart.aggregate';

/** Most units of one SKU a cart holds (a storefront sanity limit, not a stock check). */
export const MAX_UNITS_PER_LINE = 999;
export const MAX_LINES_PER_CART = 100;

function requireOpen(state: CartState, attempted: string): void {
  if (state.status === 'NEW') throw new NotFoundError('cart not found', 'CART_NOT_FOUND');
  if (state.status !== 'OPEN') throw new IllegalTransitionError('Cart', state.status, attempted);
}

export function createCart(
  state: CartState,
  c: { cartId: string; memberId: string | null; visitorId: string; channel: string | null },
): CartEvent[] {
  if (state.status !== 'NEW') throw new IllegalTransitionError('Cart', state.status, 'create it again');
  return [
    {
      type: 'CartCreated',
      data: { cartId: c.cartId, memberId: c.memberId, visitorId: c.visitorId, channel: c.channel },
    },
  ];
}

export function addItem(
  state: CartState,
  c: { sku: string; quantity: number; unitPrice: number; currency: string },
): CartEvent[] {
  requireOpen(state, 'add items');
  const existing = state.items.find((i) => i.sku === c.sku);
  if (!existing && state.items.length >= MAX_LINES_PER_CART) {
    throw new BusinessRuleError(`a cart holds at most ${MAX_LINES_PER_CART} different SKUs`, 'CART_FULL');
  }
  if ((existing?.quantity ?? 0) + c.quantity > MAX_UNITS_PER_LINE) {
    throw new BusinessRuleError(
      `a cart holds at most ${MAX_UNITS_PER_LINE} units of SKU ${c.sku}`,
      'CART_LINE_LIMIT',
    );
  }
  const otherCurrency = state.items.find((i) => i.currency !== c.currency);
  if (otherCurrency) {
    throw new BusinessRuleError(
      `SKU ${c.sku} is priced in ${c.currency} but the cart is in ${otherCurrency.currency}`,
      'CURRENCY_MISMATCH',
    );
  }
  return [
    {
      type: 'CartItemAdded',
      data: {
        cartId: state.cartId,
        memberId: state.memberId,
        visitorId: state.visitorId,
        channel: state.channel,
        sku: c.sku,
        quantity: c.quantity,
        unitPrice: c.unitPrice,
        currency: c.currency,
      },
    },
  ];
}

/** Takes every unit of the SKU out of the cart. */
export function removeItem(state: CartState, c: { sku: string }): CartEvent[] {
  requireOpen(state, 'remove items');
  const { sku } = c;
  const existing = state.items.find((i) => i.sku === sku);
  if (!existing) throw new NotFoundError(`SKU ${sku} is not in the cart`, 'CART_ITEM_NOT_FOUND');
  return [
    {
      type: 'CartItemRemoved',
      data: {
        cartId: state.cartId,
        memberId: state.memberId,
        visitorId: state.visitorId,
        channel: state.channel,
        sku,
        quantity: existing.quantity,
      },
    },
  ];
}

/** The cart becomes an order; `memberId` is the member checking out (an anonymous cart's new owner). */
export function checkOut(
  state: CartState,
  c: { orderId: string; memberId: string; visitorId: string; channel: string | null },
): CartEvent[] {
  requireOpen(state, 'check out');
  if (state.items.length === 0) throw new BusinessRuleError('the cart is empty', 'CART_EMPTY');
  return [
    {
      type: 'CartCheckedOut',
      data: {
        cartId: state.cartId,
        memberId: c.memberId,
        visitorId: c.visitorId,
        channel: c.channel,
        orderId: c.orderId,
      },
    },
  ];
}
