import { Type } from '@sinclair/typebox';
import { Topics } from '../topics';
import { Channel, Currency, Id, Money, Nullable, Quantity, Sku, Timestamp } from './common.schemas';
import { defineEvent, EventUnion } from './define-event';
import { ReservationLine, ShortLine } from './inventory.events';
import { Experiments } from './storefront.events';
import { RETURN_REASONS } from './return-reasons';

export { RETURN_REASONS, type ReturnReasonCode } from './return-reasons';

const topic = Topics.orders;

/** One priced line of an order; prices come from the orders service's own price read model. */
export const OrderLine = Type.Object(
  { sku: Sku, quantity: Quantity, unitPrice: Money, lineTotal: Money },
  { additionalProperties: false },
);
/** One line of a return: which SKU, how many units. */
export const ReturnLine = Type.Object({ sku: Sku, quantity: Quantity }, { additionalProperties: false });
export const ReturnReason = Type.Union(RETURN_REASONS.map((reason) => Type.Literal(reason)));
export const OrderStatus = Type.Union([
  Type.Literal('PENDING'),
  Type.Literal('CONFIRMED'),
  Type.Literal('REJECTED'),
  Type.Literal('PAID'),
  Type.Literal('SHIPPED'),
  Type.Literal('DELIVERED'),
  Type.Literal('COMPLETED'),
  Type.Literal('CANCELLED'),
]);
/** Who caused a transition. */
export const Actor = Type.Union([Type.Literal('customer'), Type.Literal('operator'), Type.Literal('system')]);

const VisitorId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'visitor id sent by the storefront (default: the member id); used by the funnel',
});
const PaymentMethod = Type.String({
  minLength: 1,
  maxLength: 32,
  description: 'payment method: card, alipay, wechat_pay, ...',
});
/** A short machine-oriented reason (never personal data). */
const Reason = Type.String({ minLength: 1, maxLength: 200 });

export const OrdersEvents = {
  CartCreated: defineEvent({
    type: 'CartCreated',
    version: 1,
    topic,
    aggregateType: 'Cart',
    description: 'A cart was created, for a member or an anonymous visitor.',
    schema: Type.Object(
      { cartId: Id, memberId: Nullable(Id), visitorId: VisitorId, channel: Channel },
      { additionalProperties: false },
    ),
  }),
  CartItemAdded: defineEvent({
    type: 'CartItemAdded',
    version: 1,
    topic,
    aggregateType: 'Cart',
    description: 'Units of a SKU were added to a cart at the current price (the add_to_cart funnel step).',
    schema: Type.Object(
      {
        cartId: Id,
        memberId: Nullable(Id),
        visitorId: VisitorId,
        channel: Channel,
        sku: Sku,
        quantity: Quantity,
        unitPrice: Money,
        currency: Currency,
      },
      { additionalProperties: false },
    ),
  }),
  CartItemRemoved: defineEvent({
    type: 'CartItemRemoved',
    version: 1,
    topic,
    aggregateType: 'Cart',
    description: 'Units of a SKU were removed from a cart.',
    schema: Type.Object(
      {
        cartId: Id,
        memberId: Nullable(Id),
        visitorId: VisitorId,
        channel: Channel,
        sku: Sku,
        quantity: Quantity,
      },
      { additionalProperties: false },
    ),
  }),
  CartCheckedOut: defineEvent({
    type: 'CartCheckedOut',
    version: 1,
    topic,
    aggregateType: 'Cart',
    description:
      'The cart was turned into an order (appended in the same transaction as its OrderPlaced); it takes no more items.',
    schema: Type.Object(
      { cartId: Id, memberId: Id, visitorId: VisitorId, channel: Channel, orderId: Id },
      { additionalProperties: false },
    ),
  }),
  OrderPlaced: defineEvent({
    type: 'OrderPlaced',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'An order was placed (PENDING); inventory reserves its lines next.',
    schema: Type.Object(
      {
        orderId: Id,
        memberId: Id,
        visitorId: VisitorId,
        channel: Channel,
        cartId: Nullable(Id),
        lines: Type.Array(OrderLine, { minItems: 1 }),
        total: Money,
        currency: Currency,
        shippingRegion: Nullable(
          Type.String({
            minLength: 1,
            maxLength: 64,
            description: 'province or country of the shipping address, never the address itself',
          }),
        ),
        experiments: Experiments,
      },
      { additionalProperties: false },
    ),
  }),
  OrderConfirmed: defineEvent({
    type: 'OrderConfirmed',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'Stock was reserved for every line (CONFIRMED); the order awaits payment.',
    schema: Type.Object(
      { orderId: Id, memberId: Id, lines: Type.Array(ReservationLine) },
      { additionalProperties: false },
    ),
  }),
  OrderRejected: defineEvent({
    type: 'OrderRejected',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'Not enough stock for the order (REJECTED); nothing was reserved.',
    schema: Type.Object(
      { orderId: Id, memberId: Id, reason: Reason, shortLines: Type.Array(ShortLine) },
      { additionalProperties: false },
    ),
  }),
  PaymentFailed: defineEvent({
    type: 'PaymentFailed',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'A payment attempt was declined; the order stays CONFIRMED until paid or timed out.',
    schema: Type.Object(
      { orderId: Id, memberId: Id, amount: Money, currency: Currency, method: PaymentMethod, reason: Reason },
      { additionalProperties: false },
    ),
  }),
  OrderPaid: defineEvent({
    type: 'OrderPaid',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'The order was paid in full (PAID); counts for GMV, RFM, tiers and points.',
    schema: Type.Object(
      {
        orderId: Id,
        memberId: Id,
        visitorId: VisitorId,
        channel: Channel,
        amount: Money,
        currency: Currency,
        method: PaymentMethod,
        paymentId: Id,
      },
      { additionalProperties: false },
    ),
  }),
  OrderCancelled: defineEvent({
    type: 'OrderCancelled',
    version: 1,
    topic,
    aggregateType: 'Order',
    description:
      'The order was cancelled by the customer, an operator or the payment timeout; its reservation is released ' +
      '(and a paid order is refunded).',
    schema: Type.Object(
      {
        orderId: Id,
        memberId: Id,
        reason: Nullable(Reason),
        cancelledBy: Actor,
        previousStatus: OrderStatus,
        lines: Type.Array(OrderLine),
      },
      { additionalProperties: false },
    ),
  }),
  OrderShipped: defineEvent({
    type: 'OrderShipped',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'The order left the warehouse with a carrier (SHIPPED).',
    schema: Type.Object(
      {
        orderId: Id,
        memberId: Id,
        carrier: Type.String({ minLength: 1, maxLength: 64 }),
        trackingNo: Type.String({ minLength: 1, maxLength: 64 }),
        lines: Type.Array(OrderLine),
      },
      { additionalProperties: false },
    ),
  }),
  OrderDelivered: defineEvent({
    type: 'OrderDelivered',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'The order reached the customer (DELIVERED); the return window opens.',
    schema: Type.Object({ orderId: Id, memberId: Id }, { additionalProperties: false }),
  }),
  OrderCompleted: defineEvent({
    type: 'OrderCompleted',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'The customer confirmed receipt or the return window closed (COMPLETED).',
    schema: Type.Object({ orderId: Id, memberId: Id, completedBy: Actor }, { additionalProperties: false }),
  }),
  ReturnRequested: defineEvent({
    type: 'ReturnRequested',
    version: 1,
    topic,
    aggregateType: 'Order',
    description:
      'The customer asked to return lines of a DELIVERED or COMPLETED order (REQUESTED); amount is the refundable ' +
      'value of those lines.',
    schema: Type.Object(
      {
        orderId: Id,
        returnId: Id,
        memberId: Id,
        reason: ReturnReason,
        lines: Type.Array(ReturnLine, { minItems: 1 }),
        amount: Money,
        currency: Currency,
      },
      { additionalProperties: false },
    ),
  }),
  ReturnApproved: defineEvent({
    type: 'ReturnApproved',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'An operator approved a return request (APPROVED); the goods may be sent back.',
    schema: Type.Object({ orderId: Id, returnId: Id, memberId: Id }, { additionalProperties: false }),
  }),
  ReturnRejected: defineEvent({
    type: 'ReturnRejected',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'An operator rejected a return request.',
    schema: Type.Object(
      { orderId: Id, returnId: Id, memberId: Id, reason: Reason },
      { additionalProperties: false },
    ),
  }),
  ReturnReceived: defineEvent({
    type: 'ReturnReceived',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'The returned goods arrived (RECEIVED); inventory puts them back on-hand.',
    schema: Type.Object(
      { orderId: Id, returnId: Id, memberId: Id, lines: Type.Array(ReturnLine) },
      { additionalProperties: false },
    ),
  }),
  RefundIssued: defineEvent({
    type: 'RefundIssued',
    version: 1,
    topic,
    aggregateType: 'Order',
    description: 'Money went back to the customer, for a received return or a cancelled paid order.',
    schema: Type.Object(
      {
        orderId: Id,
        memberId: Id,
        refundId: Id,
        returnId: Nullable(Id),
        amount: Money,
        currency: Currency,
        cause: Type.Union([Type.Literal('RETURN'), Type.Literal('CANCELLATION')]),
      },
      { additionalProperties: false },
    ),
  }),
  OrderImported: defineEvent({
    type: 'OrderImported',
    version: 1,
    topic,
    aggregateType: 'Order',
    description:
      'A past order brought over from another platform by the order-history import. The envelope occurredAt is ' +
      'placedAt; analytics counts it as placed at placedAt, paid at paidAt (when present) and refunded at each ' +
      "refund's date. It never touches stock and has no visitor (the funnel does not count it). orderId is derived " +
      'from sourceOrderId, so importing the same order again is a no-op.',
    schema: Type.Object(
      {
        orderId: Id,
        sourceOrderId: Type.String({
          minLength: 1,
          maxLength: 64,
          description: 'order id on the source platform',
        }),
        memberId: Id,
        customerRef: Type.String({
          minLength: 1,
          maxLength: 64,
          description:
            'customer id on the source platform (opaque, never an email or phone); maps to memberId',
        }),
        channel: Channel,
        placedAt: Timestamp,
        paidAt: Nullable(Timestamp),
        lines: Type.Array(OrderLine, { minItems: 1, maxItems: 200 }),
        total: Money,
        currency: Currency,
        refunds: Type.Array(
          Type.Object(
            { amount: Money, refundedAt: Timestamp, reason: Nullable(Reason) },
            { additionalProperties: false },
          ),
          { maxItems: 50 },
        ),
        status: Type.Union([Type.Literal('COMPLETED'), Type.Literal('CANCELLED')], {
          description: 'COMPLETED when it was paid, CANCELLED when it never was',
        }),
      },
      { additionalProperties: false },
    ),
  }),
} as const;

export type OrdersEvent = EventUnion<typeof OrdersEvents>;
