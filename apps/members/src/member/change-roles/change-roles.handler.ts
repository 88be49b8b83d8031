import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { MemberAggregate, MemberRole } from '../domain/member.aggregate';
import { changeRoles } from '../domain/member.decisions';

export interface ChangeRoles {
  memberId: string;
  roles: MemberRole[];
  /** The admin making the change (an admin cannot remove their own admin role). */
  actorId: string;
}

/**
 * An admin replaces a member's roles. Tokens are stateless: the new roles are in the next token the
 * member gets (login), a token issued before keeps the old roles until it expires.
 */
@Injectable()
export class ChangeRolesHandler {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  async execute(command: ChangeRoles, context: EventContext): Promise<void> {
    await this.runtime.commands.execute(
      MemberAggregate,
      command.memberId,
      (state) => changeRoles(state, command),
      context,
    );
  }
}
