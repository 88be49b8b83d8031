import type { DomainEventOf } from '@ecom/contracts';
import type { AggregateDefinition } from '@ecom/event-sourcing/domain';

export type CartEvent =
  | DomainEventOf<'CartCreated'>
  | DomainEventOf<'CartItemAdded'>
  | DomainEventOf<'CartItemRemoved'>
  | DomainEventOf<'CartCheckedOut'>;

export interface CartItem {
  sku: string;
  quantity: number;
  /** Price when last added (informational: checkout prices every line again). */
  unitPrice: number;
  currency: string;
}

export interface CartState {
  status: 'NEW' | 'OPEN' | 'CHECKED_OUT';
  cartId: string;
  /** null for an anonymous visitor's cart. */
  memberId: string | null;
  visitorId: string;
  channel: string | null;
  items: CartItem[];
  orderId: string | null;
}

export const INITIAL_CART_STATE: CartState = {
  status: 'NEW',
  cartId: '',
  memberId: null,
  visitorId: '',
  channel: null,
  items: [],
  orderId: null,
};

export function evolveCart(state: CartState, event: CartEvent): CartState {
  switch (event.type) {
    case 'CartCreated':
      return {
        ...INITIAL_CART_STATE,
        status: 'OPEN',
        cartId: event.data.cartId,
        memberId: event.data.memberId,
        visitorId: event.data.visitorId,
        channel: event.data.channel,
      };
    case 'CartItemAdded': {
      const { sku, quantity, unitPrice, currency } = event.data;
      const existing = state.items.find((i) => i.sku === sku);
      const items = existing
        ? state.items.map((i) =>
            i.sku === sku ? { ...i, quantity: i.quantity + quantity, unitPrice, currency } : i,
          )
        : [...state.items, { sku, quantity, unitPrice, currency }];
      return { ...state, items };
    }
    case 'CartItemRemoved': {
      const { sku, quantity } = event.data;
      const items = state.items
        .map((i) => (i.sku === sku ? { ...i, quantity: i.quantity - quantity } : i))
        .filter((i) => i.quantity > 0);
      return { ...state, items };
    }
    case 'CartCheckedOut':
      return { ...state, status: 'CHECKED_OUT', orderId: event.data.orderId };
    default:
      return state;
  }
}

export const CartAggregate: AggregateDefinition<CartState, CartEvent> = {
  type: 'Cart',
  initialState: INITIAL_CART_STATE,
  evolve: evolveCart,
};
