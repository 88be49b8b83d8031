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
 * One round trip: refuses while the (account, address) pair is delayed, the address is over its
 * failure limit, or the account is over its limit and the address is not one it logged in from;
 * otherwise counts the attempt as a failure on the pair, the address and the account (given back if
 * it succeeds) and, from the pair's free failures on, delays the pair's next attempt by
 * base * 2^(failures - free), at most the window.
 * KEYS: pair failures, pair delay, address failures, account failures, known-address mark.
 * ARGV: window ms, free failures, address limit, base delay ms, account limit. Answers {0, failures}
 * when allowed, {1, ms} delayed, {2, ms} address over its limit, {3, ms} account over its limit.
 */
const ATTEMPT_SCRIPT = `
local delayed = redis.call('PTTL', KEYS[2])
if delayed > 0 then return {1, delayed} end
local window = tonumber(ARGV[1])
local function refused(code, key)
  local left = redis.call('PTTL', key)
  if left < 0 then left = window end
  return {code, left}
end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[3]) then return refused(2, KEYS[3]) end
if redis.call('EXISTS', KEYS[5]) == 0 and tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[5]) then
  return refused(3, KEYS[4])
end
local failures = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], window)
for _, key in ipairs({KEYS[3], KEYS[4]}) do
  redis.call('INCR', key)
  redis.call('PEXPIRE', key, window, 'NX')
end
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
    accountKey: string,
    knownAddressKey: string,
    windowMs: number,
    free: number,
    addressLimit: number,
    baseDelayMs: number,
    accountLimit: number,
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
 * - per account, across addresses: LOGIN_MAX_FAILURES_PER_ACCOUNT (50) failures in a fixed window,
 *   then 429 until the window ends for every address the account has not logged in from within
 *   LOGIN_KNOWN_ADDRESS_DAYS (30): one password guessed slowly from many addresses gets that many
 *   guesses per window, while the owner keeps logging in from their usual addresses.
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
      redis.defineCommand('loginAttempt', { numberOfKeys: 5, lua: ATTEMPT_SCRIPT });
    this.redis = redis as ThrottleRedis;
  }

  private keys(email: string, ip: string) {
    const account = createHash('sha256').update(normalizeEmail(email)).digest('hex');
    return {
      pair: `members:login-failures:pair:${account}:${ip}`,
      delay: `members:login-delay:pair:${account}:${ip}`,
      address: `members:login-failures:ip:${ip}`,
      account: `members:login-failures:account:${account}`,
      knownAddress: `members:login-known:${account}:${ip}`,
    };
  }

  /** Counts an attempt; throws a 429 (with the time until an attempt is allowed) when throttled. */
  async attempt(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    const {
      freeFailuresPerAddress,
      delayBaseSeconds,
      maxFailuresPerIp,
      maxFailuresPerAccount,
      windowSeconds,
    } = this.settings.login;
    let outcome: [number, number];
    try {
      outcome = await this.redis.loginAttempt(
        keys.pair,
        keys.delay,
        keys.address,
        keys.account,
        keys.knownAddress,
        windowSeconds * 1000,
        freeFailuresPerAddress,
        maxFailuresPerIp,
        delayBaseSeconds * 1000,
        maxFailuresPerAccount,
      );
    } catch {
      throw RetryLaterException.unavailable('login throttling (Redis)', 1);
    }
    const [refused, ms] = outcome.map(Number);
    if (refused !== 0) throw new LoginThrottledException(ms);
  }

  /**
   * A successful login clears the pair's failures and delay, gives the attempt back to the address
   * and the account, and marks the address as one the account logs in from.
   */
  async succeeded(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    const { windowSeconds, knownAddressDays } = this.settings.login;
    // If a window ended meanwhile, DECR starts a new key at -1: the NX expiry bounds its life.
    await this.redis
      .multi()
      .del(keys.pair, keys.delay)
      .decr(keys.address)
      .pexpire(keys.address, windowSeconds * 1000, 'NX')
      .decr(keys.account)
      .pexpire(keys.account, windowSeconds * 1000, 'NX')
      .set(keys.knownAddress, '1', 'EX', knownAddressDays * 86_400)
      .exec()
      .catch(() => undefined);
  }
}
