import { BusinessRuleError, ConflictError, InvalidCommandError } from '@ecom/event-sourcing';
import { REDIS } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'crypto';
import type Redis from 'ioredis';
import { ORDERS_SETTINGS, OrdersSettings } from '../../config/orders.settings';
import { unavailableUnlessReply } from './checkout-limits';

export interface StoredResponse<T> {
  status: number;
  body: T;
}

type IdempotencyRecord<T> =
  | { state: 'pending'; fingerprint: string; resourceId: string; startedAt: number }
  | { state: 'done'; fingerprint: string; resourceId: string; response: StoredResponse<T> };

export interface IdempotentOutcome<T> extends StoredResponse<T> {
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

// Deletes the key only if it still holds the value this request wrote (never another request's).
const DELETE_IF_SAME = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
// Replaces the key only if it still holds the value read before (an abandoned claim is taken over once).
const REPLACE_IF_SAME = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end return 0`;

/** A stable fingerprint of a request body: same fields and values in any order -> same fingerprint. */
export function fingerprintOf(body: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value as object)
          .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
          .sort()
          .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

export interface IdempotentRun<T> {
  /** Who the key belongs to: keys are per member, so two members never collide. */
  scope: string;
  key: string;
  fingerprint: string;
  /** Id of the resource the first request creates; decided before the work runs. */
  resourceId: string;
  work: (resourceId: string) => Promise<StoredResponse<T>>;
  /** Rebuilds the answer from the created resource when the first request died after creating it. */
  recover: (resourceId: string) => Promise<StoredResponse<T> | null>;
}

/**
 * `Idempotency-Key` handling in Redis. The first request claims the key with SET NX (a pending
 * marker naming the resource it will create), does the work and stores the response for the TTL
 * (24h). A request with the same key and the same body gets the stored response (waiting while the
 * first is still running, so concurrent duplicates create one resource); the same key with a
 * different body is refused with 422. A request that fails releases the key, so a corrected retry
 * may use it again. A claim whose request died before creating anything (pending longer than
 * `abandonAfterMs`, no resource) is taken over by the next request with the same key, which creates
 * the resource under the id the first one had chosen: if the first was only slow, one of the two
 * appends loses on the stream version, so there is still one order. Redis unreachable before the
 * work: 503 with Retry-After (CheckoutUnavailableError); after it: the answer, not stored.
 */
@Injectable()
export class IdempotencyStore {
  private readonly waitMs = 10_000;
  private readonly pollMs = 25;
  private readonly abandonAfterMs = 30_000;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ORDERS_SETTINGS) private readonly settings: OrdersSettings,
  ) {}

  async run<T>(run: IdempotentRun<T>): Promise<IdempotentOutcome<T>> {
    if (!IDEMPOTENCY_KEY_PATTERN.test(run.key)) {
      throw new InvalidCommandError(
        'Idempotency-Key must be 1 to 255 visible ASCII characters',
        'BAD_IDEMPOTENCY_KEY',
      );
    }
    const redisKey = `orders:idempotency:${run.scope}:${createHash('sha256').update(run.key).digest('hex')}`;
    const ttl = this.settings.idempotencyTtlMs;
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const pending: IdempotencyRecord<T> = {
        state: 'pending',
        fingerprint: run.fingerprint,
        resourceId: run.resourceId,
        startedAt: Date.now(),
      };
      const pendingValue = JSON.stringify(pending);
      // Redis unreachable before any work: 503 with Retry-After (nothing was placed).
      const claimed = await this.redis
        .set(redisKey, pendingValue, 'PX', ttl, 'NX')
        .catch(unavailableUnlessReply);
      if (claimed) return this.work(run, redisKey, pendingValue, run.resourceId);

      const raw = await this.redis.get(redisKey).catch(unavailableUnlessReply);
      if (!raw) continue; // released by a failed first request (or expired): claim it again
      const record = JSON.parse(raw) as IdempotencyRecord<T>;
      if (record.fingerprint !== run.fingerprint) {
        throw new BusinessRuleError(
          'Idempotency-Key was already used with a different request body',
          'IDEMPOTENCY_KEY_REUSED',
        );
      }
      if (record.state === 'done') return { ...record.response, replayed: true };
      if (Date.now() - record.startedAt > this.abandonAfterMs) {
        const recovered = await run.recover(record.resourceId);
        if (recovered) return this.remember(redisKey, record, recovered);
        const takeover = JSON.stringify({ ...record, startedAt: Date.now() });
        const replaced = await this.redis
          .eval(REPLACE_IF_SAME, 1, redisKey, raw, takeover, String(ttl))
          .catch(unavailableUnlessReply);
        if (replaced) {
          return this.work(run, redisKey, takeover, record.resourceId);
        }
        continue;
      }
      if (Date.now() > deadline) {
        // The first request may have died after creating the resource: answer from the resource.
        const recovered = await run.recover(record.resourceId);
        if (recovered) return this.remember(redisKey, record, recovered);
        throw new ConflictError(
          'a request with this Idempotency-Key is still being processed; retry later',
          'IDEMPOTENCY_KEY_IN_PROGRESS',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  /** Runs the work under a claim held as `claimValue`; stores the answer, or releases the claim on failure. */
  private async work<T>(
    run: IdempotentRun<T>,
    redisKey: string,
    claimValue: string,
    resourceId: string,
  ): Promise<IdempotentOutcome<T>> {
    let response: StoredResponse<T>;
    try {
      response = await run.work(resourceId);
    } catch (error) {
      await this.redis.eval(DELETE_IF_SAME, 1, redisKey, claimValue).catch(() => undefined);
      throw error;
    }
    const done: IdempotencyRecord<T> = { state: 'done', fingerprint: run.fingerprint, resourceId, response };
    // The order exists: answer it even if Redis went away (a retry recovers the answer from the order).
    await this.redis
      .set(redisKey, JSON.stringify(done), 'PX', this.settings.idempotencyTtlMs)
      .catch(() => undefined);
    return { ...response, replayed: false };
  }

  private async remember<T>(
    redisKey: string,
    record: IdempotencyRecord<T>,
    response: StoredResponse<T>,
  ): Promise<IdempotentOutcome<T>> {
    const done: IdempotencyRecord<T> = { ...record, state: 'done', response };
    await this.redis
      .set(redisKey, JSON.stringify(done), 'PX', this.settings.idempotencyTtlMs)
      .catch(() => undefined);
    return { ...response, replayed: true };
  }
}
