import { EventContext } from '@ecom/contracts';
import { InvalidCommandError, NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { MemberAccounts } from '../credentials/member-accounts';
import { changeProfile, ProfileField } from '../domain/member.decisions';
import { MEMBER_REPOSITORY, MemberRepository } from '../member.repository';

export interface UpdateProfile {
  displayName?: string;
  phone?: string | null;
}

/**
 * A member changes their own profile: the new values go to member_accounts, the event
 * MemberProfileChanged names the changed fields only, both in one transaction. Nothing changed, no event.
 */
@Injectable()
export class UpdateProfileHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
  ) {}

  async update(memberId: string, command: UpdateProfile, context: EventContext): Promise<void> {
    if (command.displayName === undefined && command.phone === undefined) {
      throw new InvalidCommandError('give displayName or phone to change', 'EMPTY_PROFILE_CHANGE');
    }
    await this.runtime.dataSource.transaction(async (tx) => {
      const current = await MemberAccounts.profileForUpdate(tx, memberId);
      if (!current) throw new NotFoundError(`member ${memberId} not found`, 'MEMBER_NOT_FOUND');
      const next = {
        displayName: command.displayName ?? current.displayName,
        phone: command.phone === undefined ? current.phone : command.phone,
      };
      const changed: ProfileField[] = [];
      if (next.displayName !== current.displayName) changed.push('displayName');
      if (next.phone !== current.phone) changed.push('phone');
      if (changed.length === 0) return false;
      await MemberAccounts.updateProfile(tx, memberId, next);
      const result = await this.members.execute(memberId, (state) => changeProfile(state, changed), context, {
        tx,
      });
      return result.events.length > 0;
    });
  }
}
