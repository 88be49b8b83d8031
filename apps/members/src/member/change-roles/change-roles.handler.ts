import { RetryLaterException, RevocationCheckUnavailableError, TokenRevocations } from '@ecom/auth';
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
 * An admin replaces a member's roles, then revokes the member's tokens (TokenRevocations): tokens
 * issued before are refused by every service within about a second, and the next login carries the
 * new roles. The revocation comes after the commit (a login racing with the change reads the token
 * version before the roles, so a token with the old roles always has a revoked version), and also
 * when the roles were already the requested ones, so that a retry after a failed revocation (503)
 * completes it.
 */
@Injectable()
export class ChangeRolesHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly revocations: TokenRevocations,
  ) {}

  async execute(command: ChangeRoles, context: EventContext): Promise<void> {
    await this.runtime.commands.execute(
      MemberAggregate,
      command.memberId,
      (state) => changeRoles(state, command),
      context,
    );
    await this.revocations.revokeAll(command.memberId).catch((error) => {
      if (error instanceof RevocationCheckUnavailableError)
        throw RetryLaterException.unavailable('token revocation (Redis); the roles were changed, retry', 1);
      throw error;
    });
  }
}
