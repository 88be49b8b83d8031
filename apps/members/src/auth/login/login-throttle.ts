import { RetryLaterException } from '@ecom/auth';
import { REDIS } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'crypto';
import type Redis from 'ioredis';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members.settings';
import { normalizeEmail } from '../../member/credentials/member-accounts';

/** The 429 of a throttled login (Retry-After: the seconds until an attempt is allowed again). */
export class LoginThrottledException extends RetryLaterException {
  constructor(retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(429, `too many failed login attempts, retry in ${seconds} seconds`, seconds);
  }
}

/**
 * One round trip: refuses while the (account, address) pair is delayed or the address is over its
 * failure limit; otherwise counts the attempt as a failure on both (given back if it succeeds) and,
 * from the pair's free failures on, delays the pair's next attempt by base * 2^(failures - free),
 * at most the window.
 * KEYS: pair failures, pair delay, address failures. ARGV: window ms, free failures, address limit,
 * base delay ms. Answers {0, failures} when allowed, {1, ms} delayed, {2, ms} address over its limit.
 */
const ATTEMPT_SCRIPT = `
local delayed = redis.call('PTTL', KEYS[2])
if delayed > 0 then return {1, delayed} end
local window = tonumber(ARGV[1])
local byAddress = tonumber(redis.call('GET', KEYS[3]) or '0')
if byAddress >= tonumber(ARGV[3]) then
  local left = redis.call('PTTL', KEYS[3])
  if left < 0 then left = window end
  return {2, left}
end
local failures = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], window)
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], window, 'NX')
local free = tonumber(ARGV[2])
if failures >= free then
  local delay = math.min(tonumber(ARGV[4]) * (2 ^ (failures - free)), window)
  redis.call('SET', KEYS[2], '1', 'PX', math.floor(delay))
end
return {0, failures}
`;

type ThrottleRedis = Redis & {
  loginAttempt(
    pairKey: string,
    delayKey: string,
    addressKey: string,
    windowMs: number,
    free: number,
    addressLimit: number,
    baseDelayMs: number,
  ): Promise<[number, number]>;
};

/**
 * Failed-login limits in Redis that an attacker cannot turn against the owner of an account:
 * - per (account, client address): the first LOGIN_FREE_FAILURES_PER_ADDRESS (5) failures are free,
 *   then every further attempt from that address must wait LOGIN_DELAY_BASE_SECONDS (1 s), doubling
 *   with each failure up to LOGIN_FAILURE_WINDOW_SECONDS (15 min); the count ends 15 minutes after
 *   the pair's last failure, or with a successful login. Failures from other addresses do not delay
 *   the owner's own address, so wrong passwords from rotating addresses lock nobody out.
 * - per client address, across accounts: LOGIN_MAX_FAILURES_PER_IP (20) failures in a fixed window
 *   of LOGIN_FAILURE_WINDOW_SECONDS, then 429 until the window ends (password spraying).
 * The address is `request.ip` (X-Forwarded-For only from trusted proxies). An attempt is counted
 * before the password is checked (atomically, in one script, so parallel guesses cannot slip past)
 * and given back when it succeeds. Unknown emails are counted like known ones, and accounts are keyed
 * by a hash of the email, so Redis holds no email addresses. Redis unreachable: 503 with Retry-After.
 */
@Injectable()
export class LoginThrottle {
  private readonly redis: ThrottleRedis;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
  ) {
    if (!('loginAttempt' in redis))
      redis.defineCommand('loginAttempt', { numberOfKeys: 3, lua: ATTEMPT_SCRIPT });
    this.redis = redis as ThrottleRedis;
  }

  private keys(email: string, ip: string): { pair: string; delay: string; address: string } {
    const account = createHash('sha256').update(normalizeEmail(email)).digest('hex');
    return {
      pair: `members:login-failures:pair:${account}:${ip}`,
      delay: `members:login-delay:pair:${account}:${ip}`,
      address: `members:login-failures:ip:${ip}`,
    };
  }

  /** Counts an attempt; throws a 429 (with the time until an attempt is allowed) when throttled. */
  async attempt(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    const { freeFailuresPerAddress, delayBaseSeconds, maxFailuresPerIp, windowSeconds } = this.settings.login;
    let outcome: [number, number];
    try {
      outcome = await this.redis.loginAttempt(
        keys.pair,
        keys.delay,
        keys.address,
        windowSeconds * 1000,
        freeFailuresPerAddress,
        maxFailuresPerIp,
        delayBaseSeconds * 1000,
      );
    } catch {
      throw RetryLaterException.unavailable('login throttling (Redis)', 1);
    }
    const [refused, ms] = outcome.map(Number);
    if (refused !== 0) throw new LoginThrottledException(ms);
  }

  /** A successful login clears the pair's failures and delay and gives the attempt back to the address. */
  async succeeded(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    // If the address window ended meanwhile, DECR starts a new key at -1: the NX expiry bounds its life.
    await this.redis
      .multi()
      .del(keys.pair, keys.delay)
      .decr(keys.address)
      .pexpire(keys.address, this.settings.login.windowSeconds * 1000, 'NX')
      .exec()
      .catch(() => undefined);
  }
}
