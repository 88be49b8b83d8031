import { RetryLaterException } from '@ecom/auth';
import { ConflictError } from '@ecom/event-sourcing';
import { REDIS } from '@ecom/platform';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { ReplyError } from 'ioredis';
import { DataSource } from 'typeorm';
import { ORDERS_SETTINGS, OrdersSettings } from '../../config/orders.settings';

/** 429: the member or the visitor placed orders faster than the configured rate (Retry-After). */
export class OrderRateLimitedError extends RetryLaterException {
  constructor(
    retryAfterSeconds: number,
    readonly limited: 'member' | 'visitor',
  ) {
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      `too many orders placed by this ${limited}; retry in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    );
  }
}

/** 503: the store of the checkout limits (Redis) cannot be reached; nothing was placed (Retry-After). */
export class CheckoutUnavailableError extends RetryLaterException {
  constructor() {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      'checkout is temporarily unavailable (its limit store cannot be reached); retry later',
      1,
    );
  }
}

/** 409 TOO_MANY_UNPAID_ORDERS: the member already holds the configured number of unpaid orders. */
export class TooManyUnpaidOrdersError extends ConflictError {
  constructor(max: number) {
    super(
      `a member may hold at most ${max} unpaid orders (PENDING or CONFIRMED); pay or cancel one first`,
      'TOO_MANY_UNPAID_ORDERS',
    );
  }
}

/**
 * Redis answered, or could not be reached. A reply error is a bug (a script, a key of the wrong type)
 * and stays a 500; anything else (connection refused or lost, retries exhausted) is a 503.
 */
export function unavailableUnlessReply(error: unknown): never {
  if (error instanceof ReplyError) throw error;
  throw new CheckoutUnavailableError();
}

// Token buckets ({t: tokens, at: ms}) of the member and of the visitor, then the member's unpaid set.
// Both buckets must hold a token, else the wait until they do is returned (nothing is taken). The
// tokens are then taken, also when the unpaid cap refuses (attempts are what is rate limited). The
// unpaid set is a sorted set of order ids scored by the time they were admitted; entries older than
// the TTL have been paid, rejected or cancelled by now (the payment timeout), so they are dropped.
const ADMIT = `
local now = tonumber(ARGV[1])
local function tokens(key, rate, burst)
  local v = redis.call('HMGET', key, 't', 'at')
  local t = tonumber(v[1])
  local at = tonumber(v[2])
  if t == nil or at == nil then return burst end
  return math.min(burst, t + math.max(0, now - at) * rate)
end
local function take(key, t, rate, burst)
  redis.call('HSET', key, 't', tostring(t - 1), 'at', ARGV[1])
  redis.call('PEXPIRE', key, math.ceil(burst / rate) + 1000)
end
local mRate, mBurst = tonumber(ARGV[2]), tonumber(ARGV[3])
local vRate, vBurst = tonumber(ARGV[4]), tonumber(ARGV[5])
local m = tokens(KEYS[1], mRate, mBurst)
local v = tokens(KEYS[2], vRate, vBurst)
if m < 1 then return {'member', math.ceil((1 - m) / mRate)} end
if v < 1 then return {'visitor', math.ceil((1 - v) / vRate)} end
take(KEYS[1], m, mRate, mBurst)
take(KEYS[2], v, vRate, vBurst)
local cap, id, ttl = tonumber(ARGV[6]), ARGV[7], tonumber(ARGV[8])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - ttl)
if redis.call('ZSCORE', KEYS[3], id) then return {'ok', 0} end
local count = redis.call('ZCARD', KEYS[3])
if count >= cap then
  if redis.call('EXISTS', KEYS[4]) == 1 then return {'cap', count} end
  return {'verify', count}
end
redis.call('ZADD', KEYS[3], now, id)
redis.call('PEXPIRE', KEYS[3], ttl)
return {'ok', 0}
`;

// Replaces the unpaid set by the order read model's unpaid orders (ARGV[6..]: score, id pairs), keeping
// the entries admitted in the last ARGV[5] ms (checkouts still in flight, not committed yet), marks it
// verified for ARGV[4] ms, then admits the order if the member is below the cap.
const RECONCILE = `
local now, cap, id = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local ttl = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. tostring(now - tonumber(ARGV[5])))
for i = 7, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[6])
if redis.call('ZSCORE', KEYS[1], id) then return {'ok', 0} end
local count = redis.call('ZCARD', KEYS[1])
if count >= cap then
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {'cap', count}
end
redis.call('ZADD', KEYS[1], now, id)
redis.call('PEXPIRE', KEYS[1], ttl)
return {'ok', 0}
`;

type Verdict = [outcome: 'ok' | 'member' | 'visitor' | 'cap' | 'verify', value: number];

interface LimitScripts {
  checkoutAdmit(...args: (string | number)[]): Promise<Verdict>;
  checkoutReconcile(...args: (string | number)[]): Promise<Verdict>;
}

export interface CheckoutAttempt {
  memberId: string;
  visitorId: string;
  orderId: string;
}

/** Checkouts still in flight are kept when the unpaid set is rebuilt from the read model. */
const IN_FLIGHT_MS = 30_000;
/** The unpaid set of a member at the cap is checked against the read model at most this often. */
const VERIFY_EVERY_MS = 2_000;
/** Entries outlive the payment timeout by this much before they are dropped as stale. */
const STALE_AFTER_TIMEOUT_MS = 5 * 60_000;

/**
 * The limits of POST /v1/orders (and gRPC PlaceOrder), in Redis, shared by every replica:
 *
 * - a token bucket per member and one per visitor id (ORDER_RATE_PER_MEMBER / ORDER_BURST_PER_MEMBER,
 *   ..._VISITOR): over it, 429 with Retry-After;
 * - at most ORDER_MAX_UNPAID_PER_MEMBER unpaid (PENDING or CONFIRMED) orders per member, so a bot cannot
 *   tie up stock with orders it never pays: over it, 409 TOO_MANY_UNPAID_ORDERS.
 *
 * Both are decided by one script, one Redis round trip per checkout, atomically, so concurrent
 * checkouts of one member cannot pass the cap together. The member's unpaid orders are a sorted set
 * of order ids: the checkout adds its order, and the order leaves it when it is paid, rejected or
 * cancelled (`settled`, after the commit) or when the checkout fails (`release`). Those removals are
 * best effort, so the set can only over-count (never under-count, except when Redis loses data); a
 * member the set puts at the cap is checked against the order read model (one query, at most every 2 s
 * per member, only on that refusal path) before being refused. Redis unreachable: 503 with Retry-After.
 */
@Injectable()
export class CheckoutLimits {
  private readonly logger = new Logger('CheckoutLimits');
  private readonly scripts: LimitScripts;
  private readonly ttlMs: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ORDERS_SETTINGS) private readonly settings: OrdersSettings,
    private readonly dataSource: DataSource,
  ) {
    redis.defineCommand('checkoutAdmit', { numberOfKeys: 4, lua: ADMIT });
    redis.defineCommand('checkoutReconcile', { numberOfKeys: 2, lua: RECONCILE });
    this.scripts = redis as unknown as LimitScripts;
    this.ttlMs = settings.paymentTimeoutMs + STALE_AFTER_TIMEOUT_MS;
  }

  /** Charges the rate limits and takes an unpaid slot for the order, or refuses (429, 409, 503). */
  async admit(attempt: CheckoutAttempt): Promise<void> {
    const { perMember, perVisitor, maxUnpaidPerMember } = this.settings.checkout;
    const now = Date.now();
    const verdict = await this.scripts
      .checkoutAdmit(
        `orders:checkout:rate:member:${attempt.memberId}`,
        `orders:checkout:rate:visitor:${attempt.visitorId}`,
        this.unpaidKey(attempt.memberId),
        this.verifiedKey(attempt.memberId),
        now,
        perMember.perSecond / 1000,
        perMember.burst,
        perVisitor.perSecond / 1000,
        perVisitor.burst,
        maxUnpaidPerMember,
        attempt.orderId,
        this.ttlMs,
      )
      .catch(unavailableUnlessReply);
    const [outcome, value] = verdict;
    if (outcome === 'member' || outcome === 'visitor') {
      throw new OrderRateLimitedError(Math.max(1, Math.ceil(value / 1000)), outcome);
    }
    if (outcome === 'cap') throw new TooManyUnpaidOrdersError(maxUnpaidPerMember);
    if (outcome === 'verify') await this.reconcile(attempt);
  }

  /** The member's set says the cap is reached: rebuild it from the read model, then decide again. */
  private async reconcile(attempt: CheckoutAttempt): Promise<void> {
    const max = this.settings.checkout.maxUnpaidPerMember;
    const rows: { order_id: string; at: string }[] = await this.dataSource.query(
      `SELECT order_id, (extract(epoch FROM placed_at) * 1000)::bigint AS at FROM orders_view
       WHERE member_id = $1 AND status IN ('PENDING', 'CONFIRMED') ORDER BY placed_at DESC LIMIT $2`,
      [attempt.memberId, max],
    );
    const [outcome] = await this.scripts
      .checkoutReconcile(
        this.unpaidKey(attempt.memberId),
        this.verifiedKey(attempt.memberId),
        Date.now(),
        max,
        attempt.orderId,
        this.ttlMs,
        IN_FLIGHT_MS,
        VERIFY_EVERY_MS,
        ...rows.flatMap((r) => [r.at, r.order_id]),
      )
      .catch(unavailableUnlessReply);
    if (outcome !== 'ok') throw new TooManyUnpaidOrdersError(max);
  }

  /** A checkout that took a slot and then failed gives it back (best effort). */
  async release(attempt: CheckoutAttempt): Promise<void> {
    await this.redis
      .zrem(this.unpaidKey(attempt.memberId), attempt.orderId)
      .catch((error: Error) => this.logger.warn(`unpaid slot not released: ${error.message}`));
  }

  /**
   * Orders that were paid, rejected or cancelled leave their members' unpaid sets: one pipelined
   * round trip, after the commit, never awaited by the request; a failure only over-counts until the
   * read model check or the entry's expiry.
   */
  settled(orders: readonly { memberId: string; orderId: string }[]): void {
    if (orders.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { memberId, orderId } of orders) pipeline.zrem(this.unpaidKey(memberId), orderId);
    pipeline.exec().catch((error: Error) => this.logger.warn(`unpaid sets not updated: ${error.message}`));
  }

  private unpaidKey(memberId: string): string {
    return `orders:checkout:unpaid:${memberId}`;
  }

  private verifiedKey(memberId: string): string {
    return `orders:checkout:unpaid-verified:${memberId}`;
  }
}
