import type {
  DomainEventOf,
  OrderLine,
  ReservationLine,
  ReturnLine,
  ReturnReasonCode,
} from '@ecom/contracts';
import type { AggregateDefinition } from '@ecom/event-sourcing/domain';
import type { Static } from '@sinclair/typebox';

/** Every event of the Order aggregate (returns live inside it, each with its returnId). */
export type OrderEvent =
  | DomainEventOf<'OrderPlaced'>
  | DomainEventOf<'OrderConfirmed'>
  | DomainEventOf<'OrderRejected'>
  | DomainEventOf<'PaymentFailed'>
  | DomainEventOf<'OrderPaid'>
  | DomainEventOf<'OrderCancelled'>
  | DomainEventOf<'OrderShipped'>
  | DomainEventOf<'OrderDelivered'>
  | DomainEventOf<'OrderCompleted'>
  | DomainEventOf<'ReturnRequested'>
  | DomainEventOf<'ReturnApproved'>
  | DomainEventOf<'ReturnRejected'>
  | DomainEventOf<'ReturnReceived'>
  | DomainEventOf<'RefundIssued'>
  | DomainEventOf<'OrderImported'>;

export const ORDER_EVENT_TYPES: readonly OrderEvent['type'][] = [
  'OrderPlaced',
  'OrderConfirmed',
  'OrderRejected',
  'PaymentFailed',
  'OrderPaid',
  'OrderCancelled',
  'OrderShipped',
  'OrderDelivered',
  'OrderCompleted',
  'ReturnRequested',
  'ReturnApproved',
  'ReturnRejected',
  'ReturnReceived',
  'RefundIssued',
  'OrderImported',
];

export type OrderStatus =
  'PENDING' | 'CONFIRMED' | 'REJECTED' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'COMPLETED' | 'CANCELLED';
export const ORDER_STATUSES: readonly OrderStatus[] = [
  'PENDING',
  'CONFIRMED',
  'REJECTED',
  'PAID',
  'SHIPPED',
  'DELIVERED',
  'COMPLETED',
  'CANCELLED',
];

/**
 * The lifecycle of docs/contract.md section 4 as data: the statuses each status may move to. `NEW` is an
 * order that has no events yet; a past order brought over by the order-history import (OrderImported)
 * starts in its final status. Anything not listed here is an illegal transition.
 */
export const ORDER_TRANSITIONS: Readonly<Record<'NEW' | OrderStatus, readonly OrderStatus[]>> = {
  NEW: ['PENDING', 'COMPLETED', 'CANCELLED'],
  PENDING: ['CONFIRMED', 'REJECTED'],
  CONFIRMED: ['PAID', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: ['COMPLETED'],
  COMPLETED: [],
  REJECTED: [],
  CANCELLED: [],
};

export type ReturnStatus = 'REQUESTED' | 'APPROVED' | 'REJECTED' | 'RECEIVED' | 'REFUNDED';
export const RETURN_TRANSITIONS: Readonly<Record<ReturnStatus, readonly ReturnStatus[]>> = {
  REQUESTED: ['APPROVED', 'REJECTED'],
  APPROVED: ['RECEIVED'],
  RECEIVED: ['REFUNDED'],
  REJECTED: [],
  REFUNDED: [],
};

export type PricedLine = Static<typeof OrderLine>;
export type ReservedLine = Static<typeof ReservationLine>;
export type ReturnedLine = Static<typeof ReturnLine>;

export interface ReturnState {
  returnId: string;
  status: ReturnStatus;
  reason: ReturnReasonCode;
  lines: ReturnedLine[];
  amount: number;
}

export interface OrderState {
  status: 'NEW' | OrderStatus;
  orderId: string;
  memberId: string;
  visitorId: string;
  channel: string | null;
  cartId: string | null;
  lines: PricedLine[];
  total: number;
  currency: string;
  shippingRegion: string | null;
  /** What inventory reserved, per SKU and warehouse (from StockReserved). */
  reservation: ReservedLine[];
  payment: { paymentId: string; amount: number; method: string } | null;
  failedPayments: number;
  shipment: { carrier: string; trackingNo: string } | null;
  refunded: number;
  returns: ReturnState[];
  /** The order id on the source platform when the order was imported (OrderImported), else null. */
  sourceOrderId: string | null;
}

/** The payment method an imported paid order shows: it was paid on the source platform. */
export const IMPORTED_PAYMENT_METHOD = 'imported';

/** The payment id an imported paid order shows (no payment went through this service's gateway). */
export const importedPaymentId = (sourceOrderId: string) => `import:${sourceOrderId}`;

export const INITIAL_ORDER_STATE: OrderState = {
  status: 'NEW',
  orderId: '',
  memberId: '',
  visitorId: '',
  channel: null,
  cartId: null,
  lines: [],
  total: 0,
  currency: 'CNY',
  shippingRegion: null,
  reservation: [],
  payment: null,
  failedPayments: 0,
  shipment: null,
  refunded: 0,
  returns: [],
  sourceOrderId: null,
};

function updateReturn(state: OrderState, returnId: string, status: ReturnStatus): OrderState {
  return { ...state, returns: state.returns.map((r) => (r.returnId === returnId ? { ...r, status } : r)) };
}

export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced': {
      const d = event.data;
      return {
        ...INITIAL_ORDER_STATE,
        status: 'PENDING',
        orderId: d.orderId,
        memberId: d.memberId,
        visitorId: d.visitorId,
        channel: d.channel,
        cartId: d.cartId,
        lines: d.lines,
        total: d.total,
        currency: d.currency,
        shippingRegion: d.shippingRegion,
      };
    }
    case 'OrderConfirmed':
      return { ...state, status: 'CONFIRMED', reservation: event.data.lines };
    case 'OrderRejected':
      return { ...state, status: 'REJECTED' };
    case 'PaymentFailed':
      return { ...state, failedPayments: state.failedPayments + 1 };
    case 'OrderPaid':
      return {
        ...state,
        status: 'PAID',
        payment: { paymentId: event.data.paymentId, amount: event.data.amount, method: event.data.method },
      };
    case 'OrderCancelled':
      return { ...state, status: 'CANCELLED' };
    case 'OrderShipped':
      return {
        ...state,
        status: 'SHIPPED',
        shipment: { carrier: event.data.carrier, trackingNo: event.data.trackingNo },
      };
    case 'OrderDelivered':
      return { ...state, status: 'DELIVERED' };
    case 'OrderCompleted':
      return { ...state, status: 'COMPLETED' };
    case 'ReturnRequested':
      return {
        ...state,
        returns: [
          ...state.returns,
          {
            returnId: event.data.returnId,
            status: 'REQUESTED',
            reason: event.data.reason,
            lines: event.data.lines,
            amount: event.data.amount,
          },
        ],
      };
    case 'ReturnApproved':
      return updateReturn(state, event.data.returnId, 'APPROVED');
    case 'ReturnRejected':
      return updateReturn(state, event.data.returnId, 'REJECTED');
    case 'ReturnReceived':
      return updateReturn(state, event.data.returnId, 'RECEIVED');
    case 'RefundIssued': {
      const refunded = { ...state, refunded: state.refunded + event.data.amount };
      return event.data.returnId ? updateReturn(refunded, event.data.returnId, 'REFUNDED') : refunded;
    }
    case 'OrderImported': {
      const d = event.data;
      return {
        ...INITIAL_ORDER_STATE,
        status: d.status,
        orderId: d.orderId,
        memberId: d.memberId,
        // The storefront's visitor is unknown; the contract's default visitor is the member.
        visitorId: d.memberId,
        channel: d.channel,
        lines: d.lines,
        total: d.total,
        currency: d.currency,
        payment: d.paidAt
          ? {
              paymentId: importedPaymentId(d.sourceOrderId),
              amount: d.total,
              method: IMPORTED_PAYMENT_METHOD,
            }
          : null,
        refunded: d.refunds.reduce((sum, refund) => sum + refund.amount, 0),
        sourceOrderId: d.sourceOrderId,
      };
    }
  }
}

export const OrderAggregate: AggregateDefinition<OrderState, OrderEvent> = {
  type: 'Order',
  initialState: INITIAL_ORDER_STATE,
  evolve: evolveOrder,
};
