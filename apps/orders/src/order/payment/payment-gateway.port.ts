import type { OrderEvent, OrderState } from '../domain/order.aggregate';

/**
 * The port through which orders takes and gives back money. The built-in adapter is a simulator
 * (SimulatedPaymentGateway); a real provider is another adapter of the same interface.
 */
export interface ChargeRequest {
  orderId: string;
  amount: number;
  currency: string;
  method: string;
  /** The gateway answers a repeated key with the first answer instead of charging twice. */
  idempotencyKey: string;
}

export type ChargeResult =
  { status: 'succeeded'; paymentId: string } | { status: 'declined'; reason: string };

export interface RefundRequest {
  paymentId: string;
  /** Chosen by orders; the gateway refunds a given refundId at most once. */
  refundId: string;
  amount: number;
  currency: string;
}

/** The gateway refused what was asked (a refund beyond the captured amount, an unknown payment). */
export class PaymentGatewayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentGatewayError';
  }
}

/**
 * The gateway (or the store it keeps its state in) cannot be reached right now: a 503 the client may
 * retry after `retryAfterSeconds`. The order is left as it was, so a retried payment is charged with
 * the same idempotency key (the order's id and version) and cannot be charged twice.
 */
export class PaymentGatewayUnavailableError extends Error {
  constructor(
    cause: unknown,
    readonly retryAfterSeconds = 1,
  ) {
    super(`payment gateway unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'PaymentGatewayUnavailableError';
  }
}

/**
 * Gives back, through the gateway, the money of the RefundIssued a decision made (cancelling a paid
 * order, refunding a return), if it made one; called inside the decision, so a refusal
 * (PaymentGatewayError) leaves the order as it was.
 */
export async function refundIssuedIn(
  gateway: PaymentGateway,
  state: OrderState,
  events: readonly OrderEvent[],
): Promise<void> {
  const refund = events.find((e) => e.type === 'RefundIssued');
  if (!refund || refund.type !== 'RefundIssued' || !state.payment) return;
  await gateway.refund({
    paymentId: state.payment.paymentId,
    refundId: refund.data.refundId,
    amount: refund.data.amount,
    currency: state.currency,
  });
}

export interface PaymentGateway {
  /** Takes the money; throws PaymentGatewayUnavailableError when the gateway cannot be reached. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /**
   * Gives money back on a captured payment; throws PaymentGatewayError when it refuses,
   * PaymentGatewayUnavailableError when it cannot be reached.
   */
  refund(request: RefundRequest): Promise<{ refundId: string }>;
}

export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');
