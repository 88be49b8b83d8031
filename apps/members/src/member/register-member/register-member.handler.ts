import { EventContext } from '@ecom/contracts';
import { InvalidCommandError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { MemberAccounts } from '../credentials/member-accounts';
import { PasswordHasher } from '../credentials/password-hasher';
import { MemberRole } from '../domain/member.aggregate';
import { registerMember } from '../domain/member.decisions';
import { passwordPolicyViolations } from '../domain/password-policy';
import { MEMBER_REPOSITORY, MemberRepository } from '../member.repository';

export interface RegisterMember {
  email: string;
  password: string;
  displayName: string;
  phone?: string | null;
  roles?: MemberRole[];
}

/** Throws a 400 naming the password field when the password breaks the policy. */
export function assertPasswordPolicy(password: string, email: string): void {
  const violations = passwordPolicyViolations(password, { email });
  if (violations.length > 0) {
    throw new InvalidCommandError(`password ${violations.join('; password ')}`, 'WEAK_PASSWORD', {
      field: 'password',
      violations,
    });
  }
}

/**
 * Registration: the account row (email, password hash, profile) and MemberRegistered are written in
 * one transaction; the unique index on lower(email) turns a second registration of an email into a
 * 409 even when both run at the same moment.
 */
@Injectable()
export class RegisterMemberHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly hasher: PasswordHasher,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
  ) {}

  async register(command: RegisterMember, context: EventContext): Promise<string> {
    assertPasswordPolicy(command.password, command.email);
    const passwordHash = await this.hasher.hash(command.password);
    const memberId = await this.runtime.dataSource.transaction((tx) =>
      this.registerIn(tx, command, passwordHash, context),
    );
    return memberId;
  }

  /** Inside a caller's transaction (the admin bootstrap holds an advisory lock around it). */
  async registerIn(
    tx: EntityManager,
    command: RegisterMember,
    passwordHash: string,
    context: EventContext,
  ): Promise<string> {
    const memberId = uuidv7();
    await MemberAccounts.insert(tx, {
      memberId,
      email: command.email,
      passwordHash,
      displayName: command.displayName,
      phone: command.phone ?? null,
    });
    await this.members.execute(
      memberId,
      (state) => registerMember(state, { memberId, roles: command.roles ?? ['customer'] }),
      context,
      {
        tx,
      },
    );
    return memberId;
  }
}
