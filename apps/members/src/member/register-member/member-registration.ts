import type { AppendToStream } from '@ecom/event-sourcing';
import { InvalidCommandError } from '@ecom/event-sourcing';
import { v7 as uuidv7 } from 'uuid';
import type { NewAccount } from '../credentials/member-accounts';
import { MemberAggregate, MemberRole } from '../domain/member.aggregate';
import { registerMember } from '../domain/member.decisions';
import { passwordPolicyViolations } from '../domain/password-policy';

export interface RegisterMember {
  email: string;
  password: string;
  displayName: string;
  phone?: string | null;
  roles?: MemberRole[];
}

/** What registering writes: the account row and the new Member stream, to commit together. */
export interface MemberRegistration {
  memberId: string;
  account: NewAccount;
  stream: AppendToStream;
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
 * A registration under a fresh id: the stream cannot exist yet, so the decision is made on the
 * initial state without loading it (expected version 0 still guards the append).
 */
export function memberRegistration(command: RegisterMember, passwordHash: string): MemberRegistration {
  const memberId = uuidv7();
  return {
    memberId,
    account: {
      memberId,
      email: command.email,
      passwordHash,
      displayName: command.displayName,
      phone: command.phone ?? null,
    },
    stream: {
      aggregateType: MemberAggregate.type,
      aggregateId: memberId,
      expectedVersion: 0,
      events: registerMember(MemberAggregate.initialState, {
        memberId,
        roles: command.roles ?? ['customer'],
      }),
    },
  };
}
