import { RetryLaterException, RevocationCheckUnavailableError, TokenRevocations } from '@ecom/auth';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable, Logger, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import { DataSource } from 'typeorm';
import { MemberAccounts } from '../../member/credentials/member-accounts';
import { PasswordHasher } from '../../member/credentials/password-hasher';
import { TokenIssuer } from '../token-issuer';
import { LoginThrottle } from './login-throttle';
import { LoginResponse } from './login.dto';

export interface Login {
  email: string;
  password: string;
  /** The client's IP, for the per-IP failure limit. */
  ip: string;
}

/** One message for a wrong password and an unknown email, so the answer does not tell them apart. */
export const INVALID_CREDENTIALS = 'invalid email or password';

function loginCounter(): Counter<'outcome'> {
  return (
    (register.getSingleMetric('members_logins_total') as Counter<'outcome'>) ??
    new Counter({
      name: 'members_logins_total',
      help: 'Login attempts by outcome (success, invalid, throttled)',
      labelNames: ['outcome'],
    })
  );
}

@Injectable()
export class LoginHandler implements OnModuleInit {
  private readonly logger = new Logger('Login');
  private readonly logins = loginCounter();

  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly issuer: TokenIssuer,
    private readonly revocations: TokenRevocations,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.hasher.dummyHash();
  }

  /**
   * Verifies the password (scrypt, constant-time compare; for an unknown email the same work is spent
   * on a dummy hash) and issues a token with the member's current roles and token version.
   */
  async execute({ email, password, ip }: Login): Promise<LoginResponse> {
    try {
      await this.throttle.attempt(email, ip);
    } catch (error) {
      this.logins.inc({ outcome: 'throttled' });
      throw error;
    }
    const account = await MemberAccounts.credentialsByEmail(this.dataSource, email);
    const valid = account
      ? await this.hasher.verify(password, account.passwordHash)
      : await this.hasher.verifyAgainstDummy(password);
    if (!account || !valid || account.roles.length === 0) {
      this.logins.inc({ outcome: 'invalid' });
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    // The token version is read before the roles are read again below: a role change commits, then
    // revokes (increments the version), so a token can carry old roles only with a revoked version.
    const tokenVersion = await this.revocations.currentVersion(account.memberId).catch((error) => {
      if (error instanceof RevocationCheckUnavailableError)
        throw RetryLaterException.unavailable('token issuing (Redis)', 1);
      throw error;
    });
    const roles = (await MemberAccounts.credentialsByEmail(this.dataSource, email))?.roles ?? [];
    if (roles.length === 0) throw new UnauthorizedException(INVALID_CREDENTIALS);
    this.logins.inc({ outcome: 'success' });
    await this.throttle.succeeded(email, ip);
    if (this.hasher.needsRehash(account.passwordHash)) {
      // Parameters were raised since this hash was made: upgrade it now that the password is known.
      const upgraded = await this.hasher.hash(password);
      await this.runtime.commands
        .run((session) =>
          MemberAccounts.replacePasswordHash(session.sql, account.memberId, account.passwordHash, upgraded),
        )
        .catch((error) => this.logger.warn(`password rehash failed: ${(error as Error).message}`));
    }
    const member = { id: account.memberId, roles };
    return { ...(await this.issuer.issue(member, tokenVersion)), member };
  }
}
