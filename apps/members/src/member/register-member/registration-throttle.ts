import { RetryLaterException } from '@ecom/auth';
import { REDIS } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members.settings';

/**
 * Registrations per client address (`request.ip`) in a fixed window in Redis, shared by every
 * replica: REGISTRATION_MAX_PER_ADDRESS (10) per REGISTRATION_WINDOW_SECONDS (1 h), then 429 with
 * Retry-After until the window ends. One round trip (INCR + PEXPIRE NX + PTTL), counted before the
 * (expensive) password hash; Redis unreachable: 503 with Retry-After.
 */
@Injectable()
export class RegistrationThrottle {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
  ) {}

  async attempt(ip: string): Promise<void> {
    const { maxPerAddress, windowSeconds } = this.settings.registration;
    const key = `members:registrations:ip:${ip}`;
    let results: [Error | null, unknown][] | null;
    try {
      results = await this.redis
        .multi()
        .incr(key)
        .pexpire(key, windowSeconds * 1000, 'NX')
        .pttl(key)
        .exec();
    } catch {
      throw RetryLaterException.unavailable('registration (Redis)', 1);
    }
    if (!results || results.some(([error]) => error))
      throw RetryLaterException.unavailable('registration (Redis)', 1);
    const count = Number(results[0][1]);
    if (count > maxPerAddress) {
      const leftMs = Number(results[2][1]);
      throw RetryLaterException.tooManyRequests(
        `too many registrations from this address, at most ${maxPerAddress} per ${windowSeconds} seconds`,
        leftMs > 0 ? leftMs : windowSeconds * 1000,
      );
    }
  }
}
