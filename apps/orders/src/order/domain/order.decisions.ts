import {
  BusinessRuleError,
  IllegalTransitionError,
  InvalidCommandError,
  NotFoundError,
} from '@ecom/event-sourcing/domain';
import {
  OrderEvent,
  OrderState,
  OrderStatus,
  PricedLine,
  ReservedLine,
  RETURN_TRANSITIONS,
  ReturnedLine,
  ReturnState,
  ReturnStatus,
} from './order.aggregate';
import type { ReturnReasonCode } from '@ecom/contracts';

export type Actor = 'customer' | 'operator' | 'system';

/** Everything that can be asked of an order; each is decided by a pure function below. */
export type OrderCommand =
  | {
      kind: 'place';
      orderId: string;
      memberId: string;
      visitorId: string;
      channel: string | null;
      cartId: string | null;
      lines: PricedLine[];
      currency: string;
      shippingRegion: string | null;
      /** The storefront's A/B test assignments, carried to OrderPlaced as they are. */
      experiments?: Record<string, string>;
    }
  | { kind: 'confirmReservation'; lines: ReservedLine[] }
  | { kind: 'rejectReservation'; shortLines: { sku: string; requested: number; available: number }[] }
  | { kind: 'recordPaymentFailure'; amount: number; method: string; reason: string }
  | { kind: 'pay'; amount: number; method: string; paymentId: string }
  | { kind: 'cancel'; by: Actor; reason: string | null; refundId: string }
  | { kind: 'expirePayment' }
  | { kind: 'ship'; carrier: string; trackingNo: string }
  | { kind: 'deliver' }
  | { kind: 'confirmReceipt' }
  | { kind: 'closeReturnWindow' }
  | { kind: 'requestReturn'; returnId: string; reason: ReturnReasonCode; lines: ReturnedLine[] }
  | { kind: 'approveReturn'; returnId: string }
  | { kind: 'rejectReturn'; returnId: string; reason: string }
  | { kind: 'receiveReturn'; returnId: string }
  | { kind: 'refundReturn'; returnId: string; refundId: string }
  | {
      kind: 'import';
      orderId: string;
      sourceOrderId: string;
      memberId: string;
      customerRef: string;
      channel: string | null;
      /** ISO-8601 UTC times, as the event carries them. */
      placedAt: string;
      paidAt: string | null;
      lines: PricedLine[];
      currency: string;
      refunds: ImportedRefund[];
    };

export interface ImportedRefund {
  amount: number;
  refundedAt: string;
  reason: string | null;
}

/** One command of the union, by its kind: what each decision function below takes after the state. */
export type CommandOf<K extends OrderCommand['kind']> = Extract<OrderCommand, { kind: K }>;

export const PAYMENT_TIMEOUT_REASON = 'PAYMENT_TIMEOUT';

function requireExisting(state: OrderState): asserts state is OrderState & { status: OrderStatus } {
  if (state.status === 'NEW') throw new NotFoundError('order not found', 'ORDER_NOT_FOUND');
}

/** Refuses the command unless the order is in one of `allowed`, naming the current state. */
function requireStatus(state: OrderState, allowed: readonly OrderStatus[], attempted: string): void {
  requireExisting(state);
  if (!allowed.includes(state.status as OrderStatus)) {
    throw new IllegalTransitionError('Order', state.status, attempted);
  }
}

export function sumLines(lines: readonly PricedLine[]): number {
  return lines.reduce((sum, line) => sum + line.lineTotal, 0);
}

export function place(state: OrderState, c: CommandOf<'place'>): OrderEvent[] {
  if (state.status !== 'NEW') throw new IllegalTransitionError('Order', state.status, 'place it again');
  if (c.lines.length === 0) throw new InvalidCommandError('an order needs at least one line', 'EMPTY_ORDER');
  const skus = new Set(c.lines.map((l) => l.sku));
  if (skus.size !== c.lines.length)
    throw new InvalidCommandError('each SKU may appear once in an order', 'DUPLICATE_SKU');
  for (const line of c.lines) {
    if (line.lineTotal !== line.unitPrice * line.quantity) {
      throw new InvalidCommandError(`line ${line.sku}: lineTotal must be unitPrice x quantity`, 'LINE_TOTAL');
    }
  }
  return [
    {
      type: 'OrderPlaced',
      data: {
        orderId: c.orderId,
        memberId: c.memberId,
        visitorId: c.visitorId,
        channel: c.channel,
        cartId: c.cartId,
        lines: c.lines,
        total: sumLines(c.lines),
        currency: c.currency,
        shippingRegion: c.shippingRegion,
        // Only when there is an assignment: an event without the field is one that older readers accept.
        ...(c.experiments && Object.keys(c.experiments).length > 0
          ? { experiments: { ...c.experiments } }
          : {}),
      },
    },
  ];
}

/** Inventory reserved the stock. A late or repeated answer for an order past PENDING changes nothing. */
export function confirmReservation(state: OrderState, c: CommandOf<'confirmReservation'>): OrderEvent[] {
  requireExisting(state);
  if (state.status !== 'PENDING') return [];
  return [
    { type: 'OrderConfirmed', data: { orderId: state.orderId, memberId: state.memberId, lines: c.lines } },
  ];
}

export function rejectReservation(state: OrderState, c: CommandOf<'rejectReservation'>): OrderEvent[] {
  requireExisting(state);
  if (state.status !== 'PENDING') return [];
  const skus = c.shortLines.map((l) => l.sku).join(', ');
  return [
    {
      type: 'OrderRejected',
      data: {
        orderId: state.orderId,
        memberId: state.memberId,
        reason: `OUT_OF_STOCK: ${skus}`.slice(0, 200),
        shortLines: c.shortLines,
      },
    },
  ];
}

/** What a payment must satisfy before the gateway is even asked: CONFIRMED, and exactly the total. */
export function assertPayable(state: OrderState, c: { amount: number }): void {
  requireStatus(state, ['CONFIRMED'], 'pay');
  const { amount } = c;
  if (amount !== state.total) {
    throw new BusinessRuleError(
      `payment amount ${amount} must equal the order total ${state.total} ${state.currency}`,
      'PAYMENT_AMOUNT_MISMATCH',
      { amount, total: state.total, currency: state.currency },
    );
  }
}

export function recordPaymentFailure(state: OrderState, c: CommandOf<'recordPaymentFailure'>): OrderEvent[] {
  assertPayable(state, c);
  return [
    {
      type: 'PaymentFailed',
      data: {
        orderId: state.orderId,
        memberId: state.memberId,
        amount: c.amount,
        currency: state.currency,
        method: c.method,
        reason: c.reason.slice(0, 200) || 'declined',
      },
    },
  ];
}

export function pay(state: OrderState, c: CommandOf<'pay'>): OrderEvent[] {
  assertPayable(state, c);
  return [
    {
      type: 'OrderPaid',
      data: {
        orderId: state.orderId,
        memberId: state.memberId,
        visitorId: state.visitorId,
        channel: state.channel,
        amount: c.amount,
        currency: state.currency,
        method: c.method,
        paymentId: c.paymentId,
      },
    },
  ];
}

/** The amount a cancellation gives back: everything paid for a PAID order, nothing otherwise. */
export function cancellationRefund(state: OrderState): number {
  return state.status === 'PAID' && state.payment ? state.payment.amount - state.refunded : 0;
}

export function cancel(state: OrderState, c: CommandOf<'cancel'>): OrderEvent[] {
  requireStatus(state, ['CONFIRMED', 'PAID'], 'cancel');
  const events: OrderEvent[] = [
    {
      type: 'OrderCancelled',
      data: {
        orderId: state.orderId,
        memberId: state.memberId,
        reason: c.reason,
        cancelledBy: c.by,
        previousStatus: state.status as OrderStatus,
        lines: state.lines,
      },
    },
  ];
  const refund = cancellationRefund(state);
  if (refund > 0 && !c.refundId)
    throw new InvalidCommandError('cancelling a paid order needs a refund id', 'REFUND_ID');
  if (refund > 0) {
    events.push({
      type: 'RefundIssued',
      data: {
        orderId: state.orderId,
        memberId: state.memberId,
        refundId: c.refundId,
        returnId: null,
        amount: refund,
        currency: state.currency,
        cause: 'CANCELLATION',
      },
    });
  }
  return events;
}

/** The payment timeout: cancels a still-unpaid CONFIRMED order; anything else is left alone. */
export function expirePayment(state: OrderState, _c: CommandOf<'expirePayment'>): OrderEvent[] {
  if (state.status !== 'CONFIRMED') return [];
  return cancel(state, { kind: 'cancel', by: 'system', reason: PAYMENT_TIMEOUT_REASON, refundId: '' });
}

export function ship(state: OrderState, c: CommandOf<'ship'>): OrderEvent[] {
  requireStatus(state, ['PAID'], 'ship');
  return [
    {
      type: 'OrderShipped',
      data: {
        orderId: state.orderId,
        memberId: state.memberId,
        carrier: c.carrier,
        trackingNo: c.trackingNo,
        lines: state.lines,
      },
    },
  ];
}

export function deliver(state: OrderState, _c: CommandOf<'deliver'>): OrderEvent[] {
  requireStatus(state, ['SHIPPED'], 'deliver');
  return [{ type: 'OrderDelivered', data: { orderId: state.orderId, memberId: state.memberId } }];
}

export function confirmReceipt(state: OrderState, _c: CommandOf<'confirmReceipt'>): OrderEvent[] {
  requireStatus(state, ['DELIVERED'], 'confirm receipt');
  return [
    {
      type: 'OrderCompleted',
      data: { orderId: state.orderId, memberId: state.memberId, completedBy: 'customer' },
    },
  ];
}

/** The return window closed: a DELIVERED order completes; anything else is left alone. */
export function closeReturnWindow(state: OrderState, _c: CommandOf<'closeReturnWindow'>): OrderEvent[] {
  if (state.status !== 'DELIVERED') return [];
  return [
    {
      type: 'OrderCompleted',
      data: { orderId: state.orderId, memberId: state.memberId, completedBy: 'system' },
    },
  ];
}

/** Units of a SKU still returnable: ordered minus those in returns that were not rejected. */
export function returnableQuantity(state: OrderState, sku: string): number {
  const ordered = state.lines.find((l) => l.sku === sku)?.quantity ?? 0;
  const claimed = state.returns
    .filter((r) => r.status !== 'REJECTED')
    .flatMap((r) => r.lines)
    .filter((l) => l.sku === sku)
    .reduce((sum, l) => sum + l.quantity, 0);
  return ordered - claimed;
}

export function requestReturn(state: OrderState, c: CommandOf<'requestReturn'>): OrderEvent[] {
  requireStatus(state, ['DELIVERED', 'COMPLETED'], 'request a return');
  if (state.sourceOrderId !== null) {
    // Its goods and refunds were settled on the platform it came from; nothing here can take them back.
    throw new IllegalTransitionError('Order', state.status, 'request a return of an imported order');
  }
  if (c.lines.length === 0) throw new InvalidCommandError('a return needs at least one line', 'EMPTY_RETURN');
  if (state.returns.some((r) => r.returnId === c.returnId)) {
    throw new InvalidCommandError(`return ${c.returnId} already exists`, 'RETURN_EXISTS');
  }
  const seen = new Set<string>();
  let amount = 0;
  for (const line of c.lines) {
    if (seen.has(line.sku))
      throw new InvalidCommandError(`SKU ${line.sku} appears twice in the return`, 'DUPLICATE_SKU');
    seen.add(line.sku);
    const ordered = state.lines.find((l) => l.sku === line.sku);
    if (!ordered)
      throw new BusinessRuleError(`SKU ${line.sku} is not in order ${state.orderId}`, 'SKU_NOT_IN_ORDER');
    const returnable = returnableQuantity(state, line.sku);
    if (line.quantity > returnable) {
      throw new BusinessRuleError(
        `SKU ${line.sku}: ${line.quantity} units asked back but only ${returnable} can still be returned`,
        'RETURN_QUANTITY_EXCEEDED',
        { sku: line.sku, requested: line.quantity, returnable },
      );
    }
    amount += ordered.unitPrice * line.quantity;
  }
  return [
    {
      type: 'ReturnRequested',
      data: {
        orderId: state.orderId,
        returnId: c.returnId,
        memberId: state.memberId,
        reason: c.reason,
        lines: c.lines,
        amount,
        currency: state.currency,
      },
    },
  ];
}

function requireReturn(
  state: OrderState,
  returnId: string,
  to: ReturnStatus,
  attempted: string,
): ReturnState {
  requireExisting(state);
  const found = state.returns.find((r) => r.returnId === returnId);
  if (!found) throw new NotFoundError(`return ${returnId} not found`, 'RETURN_NOT_FOUND');
  if (!RETURN_TRANSITIONS[found.status].includes(to)) {
    throw new IllegalTransitionError('Return', found.status, attempted);
  }
  return found;
}

export function approveReturn(state: OrderState, c: CommandOf<'approveReturn'>): OrderEvent[] {
  requireReturn(state, c.returnId, 'APPROVED', 'approve');
  return [
    {
      type: 'ReturnApproved',
      data: { orderId: state.orderId, returnId: c.returnId, memberId: state.memberId },
    },
  ];
}

export function rejectReturn(state: OrderState, c: CommandOf<'rejectReturn'>): OrderEvent[] {
  requireReturn(state, c.returnId, 'REJECTED', 'reject');
  return [
    {
      type: 'ReturnRejected',
      data: { orderId: state.orderId, returnId: c.returnId, memberId: state.memberId, reason: c.reason },
    },
  ];
}

export function receiveReturn(state: OrderState, c: CommandOf<'receiveReturn'>): OrderEvent[] {
  const found = requireReturn(state, c.returnId, 'RECEIVED', 'receive');
  return [
    {
      type: 'ReturnReceived',
      data: { orderId: state.orderId, returnId: c.returnId, memberId: state.memberId, lines: found.lines },
    },
  ];
}

export function refundReturn(state: OrderState, c: CommandOf<'refundReturn'>): OrderEvent[] {
  const found = requireReturn(state, c.returnId, 'REFUNDED', 'refund');
  return [
    {
      type: 'RefundIssued',
      data: {
        orderId: state.orderId,
        memberId: state.memberId,
        refundId: c.refundId,
        returnId: c.returnId,
        amount: found.amount,
        currency: state.currency,
        cause: 'RETURN',
      },
    },
  ];
}

/**
 * A past order from another platform (the order-history import), in its final state: COMPLETED when it
 * was paid, CANCELLED when it never was. Refused with a conflict when the order exists already (the
 * import then counts it as skipped). The import validates every field first; these are the
 * invariants the Order relies on, checked again so that no caller can break them.
 */
export function importOrder(state: OrderState, c: CommandOf<'import'>): OrderEvent[] {
  if (state.status !== 'NEW') throw new IllegalTransitionError('Order', state.status, 'import it again');
  if (c.lines.length === 0) throw new InvalidCommandError('an order needs at least one line', 'EMPTY_ORDER');
  if (new Set(c.lines.map((l) => l.sku)).size !== c.lines.length)
    throw new InvalidCommandError('each SKU may appear once in an order', 'DUPLICATE_SKU');
  for (const line of c.lines) {
    if (line.lineTotal !== line.unitPrice * line.quantity) {
      throw new InvalidCommandError(`line ${line.sku}: lineTotal must be unitPrice x quantity`, 'LINE_TOTAL');
    }
  }
  const total = sumLines(c.lines);
  const placedAt = Date.parse(c.placedAt);
  if (c.paidAt !== null && Date.parse(c.paidAt) < placedAt)
    throw new InvalidCommandError('an order cannot be paid before it was placed', 'PAID_BEFORE_PLACED');
  if (c.refunds.length > 0 && c.paidAt === null)
    throw new InvalidCommandError('only a paid order can have refunds', 'REFUND_UNPAID');
  const paidAt = c.paidAt === null ? placedAt : Date.parse(c.paidAt);
  if (c.refunds.some((r) => Date.parse(r.refundedAt) < paidAt))
    throw new InvalidCommandError('a refund cannot precede the payment', 'REFUND_BEFORE_PAYMENT');
  const refunded = c.refunds.reduce((sum, r) => sum + r.amount, 0);
  if (refunded > total) {
    throw new BusinessRuleError(
      `refunds of ${refunded} exceed the order total ${total}`,
      'REFUNDS_EXCEED_TOTAL',
      {
        refunded,
        total,
      },
    );
  }
  return [
    {
      type: 'OrderImported',
      data: {
        orderId: c.orderId,
        sourceOrderId: c.sourceOrderId,
        memberId: c.memberId,
        customerRef: c.customerRef,
        channel: c.channel,
        placedAt: c.placedAt,
        paidAt: c.paidAt,
        lines: c.lines,
        total,
        currency: c.currency,
        refunds: c.refunds,
        status: c.paidAt === null ? 'CANCELLED' : 'COMPLETED',
      },
    },
  ];
}

/** One entry point for every command (used by the lifecycle property test). */
export function decideOrder(state: OrderState, command: OrderCommand): OrderEvent[] {
  switch (command.kind) {
    case 'place':
      return place(state, command);
    case 'confirmReservation':
      return confirmReservation(state, command);
    case 'rejectReservation':
      return rejectReservation(state, command);
    case 'recordPaymentFailure':
      return recordPaymentFailure(state, command);
    case 'pay':
      return pay(state, command);
    case 'cancel':
      return cancel(state, command);
    case 'expirePayment':
      return expirePayment(state, command);
    case 'ship':
      return ship(state, command);
    case 'deliver':
      return deliver(state, command);
    case 'confirmReceipt':
      return confirmReceipt(state, command);
    case 'closeReturnWindow':
      return closeReturnWindow(state, command);
    case 'requestReturn':
      return requestReturn(state, command);
    case 'approveReturn':
      return approveReturn(state, command);
    case 'rejectReturn':
      return rejectReturn(state, command);
    case 'receiveReturn':
      return receiveReturn(state, command);
    case 'refundReturn':
      return refundReturn(state, command);
    case 'import':
      return importOrder(state, command);
  }
}
