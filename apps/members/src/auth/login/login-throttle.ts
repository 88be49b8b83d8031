import { REDIS } from '@ecom/platform';
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createHash } from 'crypto';
import type Redis from 'ioredis';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members.settings';
import { normalizeEmail } from '../../member/credentials/member-accounts';

export class LoginThrottledException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `too many failed login attempts, retry in ${retryAfterSeconds} seconds`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

interface Counter {
  key: string;
  limit: number;
}

/**
 * Failed-login limits in Redis, per account and per client IP, in fixed windows
 * (LOGIN_FAILURE_WINDOW_SECONDS, default 15 min): 5 per account, 20 per IP by default. An attempt is
 * counted before the password is checked (INCR is atomic, so parallel guesses cannot slip past the
 * limit) and given back when it succeeds. Unknown emails are counted like known ones, and accounts
 * are keyed by a hash of the email, so Redis holds no addresses.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
  ) {}

  private counters(email: string, ip: string): { account: Counter; ip: Counter } {
    const accountHash = createHash('sha256').update(normalizeEmail(email)).digest('hex');
    return {
      account: {
        key: `members:login-failures:account:${accountHash}`,
        limit: this.settings.login.maxFailuresPerAccount,
      },
      ip: { key: `members:login-failures:ip:${ip}`, limit: this.settings.login.maxFailuresPerIp },
    };
  }

  /** Counts an attempt; throws a 429 (with the seconds until the window ends) when over a limit. */
  async attempt(email: string, ip: string): Promise<void> {
    const { account, ip: byIp } = this.counters(email, ip);
    const windowMs = this.settings.login.windowSeconds * 1000;
    const results = await this.redis
      .multi()
      .incr(account.key)
      .pexpire(account.key, windowMs, 'NX')
      .pttl(account.key)
      .incr(byIp.key)
      .pexpire(byIp.key, windowMs, 'NX')
      .pttl(byIp.key)
      .exec();
    if (!results) throw new Error('login throttle transaction aborted');
    for (const [error] of results) if (error) throw error;
    const value = (index: number) => Number(results[index][1]);
    const over: number[] = [];
    if (value(0) > account.limit) over.push(value(2));
    if (value(3) > byIp.limit) over.push(value(5));
    if (over.length > 0) throw new LoginThrottledException(Math.max(1, Math.ceil(Math.max(...over) / 1000)));
  }

  /** A successful login clears the account's failures and gives the attempt back to the IP. */
  async succeeded(email: string, ip: string): Promise<void> {
    const { account, ip: byIp } = this.counters(email, ip);
    // If the IP window ended meanwhile, DECR starts a new key at -1: the NX expiry bounds its life.
    await this.redis
      .multi()
      .del(account.key)
      .decr(byIp.key)
      .pexpire(byIp.key, this.settings.login.windowSeconds * 1000, 'NX')
      .exec();
  }
}
