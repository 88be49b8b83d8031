import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { MemberAccounts } from '../credentials/member-accounts';
import { PasswordHasher } from '../credentials/password-hasher';
import { assertPasswordPolicy, memberRegistration, RegisterMember } from './member-registration';

/**
 * Registration: the account row (email, password hash, profile) and MemberRegistered commit
 * together, through the group commit (registrations arriving together share a transaction). The
 * unique index on lower(email) turns a second registration of an email into a 409 even when both
 * run at the same moment; the loser's event is rolled back with its row.
 */
@Injectable()
export class RegisterMemberHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute(command: RegisterMember, context: EventContext): Promise<string> {
    assertPasswordPolicy(command.password, command.email);
    const registration = memberRegistration(command, await this.hasher.hash(command.password));
    await this.runtime.commands.commit({
      streams: [registration.stream],
      context,
      alsoWrite: (tx) => MemberAccounts.insert(tx, registration.account),
    });
    return registration.memberId;
  }
}
