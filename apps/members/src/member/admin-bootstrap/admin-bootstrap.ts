import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members.settings';
import { MemberAccounts } from '../credentials/member-accounts';
import { PasswordHasher } from '../credentials/password-hasher';
import { assertPasswordPolicy, memberRegistration } from '../register-member/member-registration';

// Replicas starting together take turns on this lock; the first creates the admin, the others find it.
const ADMIN_BOOTSTRAP_LOCK = 7_310_401;

export type AdminBootstrapOutcome = 'disabled' | 'created' | 'exists' | 'exists-not-admin';

/**
 * The first admin from ADMIN_EMAIL / ADMIN_PASSWORD, created at start-up (before the HTTP port
 * opens) when no account has that email. Idempotent across restarts and replicas: an advisory lock
 * serialises the check and the insert, and the unique email index backs it. An existing account with
 * that email is left as it is (its password is not reset and a customer is not promoted: promoting
 * whoever registered the address first would hand out admin rights).
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');
  outcome: AdminBootstrapOutcome = 'disabled';

  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly hasher: PasswordHasher,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.outcome = await this.ensureAdmin();
  }

  async ensureAdmin(): Promise<AdminBootstrapOutcome> {
    const admin = this.settings.admin;
    if (!admin) return 'disabled';
    const outcome = await this.runtime.commands.run(async (session): Promise<AdminBootstrapOutcome> => {
      await session.sql.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_BOOTSTRAP_LOCK]);
      const existing = await MemberAccounts.credentialsByEmail(session.sql, admin.email);
      if (existing) return existing.roles.includes('admin') ? 'exists' : 'exists-not-admin';
      try {
        assertPasswordPolicy(admin.password, admin.email);
      } catch (error) {
        throw new Error(`ADMIN_PASSWORD is refused: ${(error as Error).message}`);
      }
      const registration = memberRegistration(
        { email: admin.email, password: admin.password, displayName: 'Administrator', roles: ['admin'] },
        await this.hasher.hash(admin.password),
      );
      await session.append([registration.stream], { correlationId: 'admin-bootstrap', causationId: null });
      await MemberAccounts.insert(session.sql, registration.account);
      return 'created';
    });
    if (outcome === 'created') {
      this.logger.log('first admin created from ADMIN_EMAIL');
    } else if (outcome === 'exists-not-admin') {
      this.logger.warn('ADMIN_EMAIL belongs to an account without the admin role; it was not promoted');
    }
    return outcome;
  }
}
