import type Redis from 'ioredis';
import { ReplyError } from 'ioredis';
import { v7 as uuidv7 } from 'uuid';
import {
  ChargeRequest,
  ChargeResult,
  PaymentGateway,
  PaymentGatewayError,
  PaymentGatewayUnavailableError,
  RefundRequest,
} from './payment-gateway.port';

export interface SimulatedGatewayOptions {
  /** Share of charges declined, 0..1 (PAYMENT_SIMULATOR_FAILURE_RATE). */
  failureRate: number;
  /** How long the simulator remembers payments (for refunds and repeated charges). */
  retentionMs?: number;
  random?: () => number;
}

interface StoredPayment {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  refunded: number;
}

const PAYMENT_KEY = (id: string) => `orders:paysim:payment:${id}`;
const CHARGE_KEY = (key: string) => `orders:paysim:charge:${key}`;
const REFUND_KEY = (id: string) => `orders:paysim:refund:${id}`;

// Atomically: the first answer to an idempotency key is kept, with the payment it captured (if any),
// so a connection lost mid-charge cannot leave a succeeded charge without its payment.
const CHARGE_SCRIPT = `
local previous = redis.call('GET', KEYS[1])
if previous then return previous end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
return ARGV[1]
`;

// Atomically: a refund id is used once, and never more is refunded than was captured.
const REFUND_SCRIPT = `
local existing = redis.call('GET', KEYS[2])
if existing then return existing end
local raw = redis.call('GET', KEYS[1])
if not raw then return {err = 'unknown payment'} end
local payment = cjson.decode(raw)
local amount = tonumber(ARGV[1])
if payment.currency ~= ARGV[2] then return {err = 'currency differs from the payment'} end
if payment.refunded + amount > payment.amount then return {err = 'refund exceeds the captured amount'} end
payment.refunded = payment.refunded + amount
redis.call('SET', KEYS[1], cjson.encode(payment), 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[3])
return ARGV[4]
`;

/**
 * A payment gateway that moves no real money but behaves like one: it declines a configurable share
 * of charges, answers a repeated idempotency key with its first answer, and refunds only what was
 * captured, each refund id once. Its state lives in Redis, so every replica sees the same payments.
 */
export class SimulatedPaymentGateway implements PaymentGateway {
  private readonly retentionMs: number;
  private readonly random: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly options: SimulatedGatewayOptions,
  ) {
    this.retentionMs = options.retentionMs ?? 90 * 86_400_000;
    this.random = options.random ?? Math.random;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (!Number.isInteger(request.amount) || request.amount <= 0) {
      return { status: 'declined', reason: 'amount must be a positive integer' };
    }
    const paymentId = uuidv7();
    const declined = this.random() < this.options.failureRate;
    const result: ChargeResult = declined
      ? { status: 'declined', reason: 'declined by the simulated issuer' }
      : { status: 'succeeded', paymentId };
    const payment: StoredPayment | null = declined
      ? null
      : {
          paymentId,
          orderId: request.orderId,
          amount: request.amount,
          currency: request.currency,
          refunded: 0,
        };
    // The stored answer wins: a repeated key (also a concurrent one) gets the first charge's answer.
    const answer = (await this.stored(() =>
      this.redis.eval(
        CHARGE_SCRIPT,
        2,
        CHARGE_KEY(request.idempotencyKey),
        PAYMENT_KEY(paymentId),
        JSON.stringify(result),
        payment ? JSON.stringify(payment) : '',
        String(this.retentionMs),
      ),
    )) as string;
    return JSON.parse(answer) as ChargeResult;
  }

  async refund(request: RefundRequest): Promise<{ refundId: string }> {
    try {
      const refundId = (await this.stored(() =>
        this.redis.eval(
          REFUND_SCRIPT,
          2,
          PAYMENT_KEY(request.paymentId),
          REFUND_KEY(request.refundId),
          String(request.amount),
          request.currency,
          String(this.retentionMs),
          request.refundId,
        ),
      )) as string;
      return { refundId };
    } catch (error) {
      if (error instanceof PaymentGatewayUnavailableError) throw error;
      throw new PaymentGatewayError(`refund ${request.refundId} refused: ${(error as Error).message}`);
    }
  }

  /** What the simulator holds for a payment (tests and support tooling). */
  async payment(paymentId: string): Promise<StoredPayment | null> {
    const raw = await this.redis.get(PAYMENT_KEY(paymentId));
    return raw ? (JSON.parse(raw) as StoredPayment) : null;
  }

  /**
   * Runs a Redis command of the simulator. A reply error is Redis answering (a refusal of a script);
   * anything else (refused or lost connection, retries exhausted) means the simulator's store cannot
   * be reached, which for orders is the gateway being down: PaymentGatewayUnavailableError (503).
   */
  private async stored<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (error instanceof ReplyError) throw error;
      throw new PaymentGatewayUnavailableError(error);
    }
  }
}
