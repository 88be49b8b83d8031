import type { EventContext } from '@ecom/contracts';
import { InvalidCommandError, NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { MemberAccounts } from '../credentials/member-accounts';
import { MemberAggregate } from '../domain/member.aggregate';
import { changeProfile, ProfileField } from '../domain/member.decisions';

export interface UpdateProfile {
  memberId: string;
  displayName?: string;
  /** null removes the phone number; undefined leaves it. */
  phone?: string | null;
}

/**
 * A member changes their own profile: the new values go to member_accounts, the event
 * MemberProfileChanged names the changed fields only, both in one transaction. Nothing changed, no event.
 */
@Injectable()
export class UpdateProfileHandler {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  async execute(command: UpdateProfile, context: EventContext): Promise<void> {
    const { memberId } = command;
    if (command.displayName === undefined && command.phone === undefined) {
      throw new InvalidCommandError('give displayName or phone to change', 'EMPTY_PROFILE_CHANGE');
    }
    await this.runtime.commands.run(async (session) => {
      const current = await MemberAccounts.profileForUpdate(session.sql, memberId);
      if (!current) throw new NotFoundError(`member ${memberId} not found`, 'MEMBER_NOT_FOUND');
      const next = {
        displayName: command.displayName ?? current.displayName,
        phone: command.phone === undefined ? current.phone : command.phone,
      };
      const changedFields: ProfileField[] = [];
      if (next.displayName !== current.displayName) changedFields.push('displayName');
      if (next.phone !== current.phone) changedFields.push('phone');
      if (changedFields.length === 0) return;
      await MemberAccounts.updateProfile(session.sql, memberId, next);
      await session.execute(
        MemberAggregate,
        memberId,
        (state) => changeProfile(state, { changedFields }),
        context,
      );
    });
  }
}
