import { EventContext } from '@ecom/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { MemberRole } from '../domain/member.aggregate';
import { changeRoles } from '../domain/member.decisions';
import { MEMBER_REPOSITORY, MemberRepository } from '../member.repository';

/**
 * An admin replaces a member's roles. Tokens are stateless: the new roles are in the next token the
 * member gets (login), a token issued before keeps the old roles until it expires.
 */
@Injectable()
export class ChangeRolesHandler {
  constructor(@Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository) {}

  async change(memberId: string, roles: MemberRole[], actorId: string, context: EventContext): Promise<void> {
    await this.members.execute(
      memberId,
      (state) => changeRoles(state, { memberId, roles, actorId }),
      context,
    );
  }
}
