import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import { NotFoundError } from '@ecom/event-sourcing';
import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { readableBy } from '../get-member/get-member.controller';
import { MemberQueries } from '../read-model/member-queries';

interface GetMemberRequest {
  id: string;
}

/** members.v1.Member (camelCase fields: the loader runs with keepCase false). No email or phone. */
interface MemberMessage {
  id: string;
  displayName: string;
  tier: string;
  points: number;
  roles: string[];
}

/** members.v1.MembersService: the caller's token in the `authorization` metadata, same rules as REST. */
@Controller()
export class MembersGrpcController {
  constructor(private readonly dataSource: DataSource) {}

  @GrpcMethod('MembersService', 'GetMember')
  async getMember(
    @Payload() request: GetMemberRequest,
    @CurrentMember() caller: AuthenticatedMember,
  ): Promise<MemberMessage> {
    const id = request.id || caller.id;
    const view = readableBy(caller, id) ? await MemberQueries.view(this.dataSource, id) : null;
    if (!view) throw new NotFoundError(`member ${id} not found`, 'MEMBER_NOT_FOUND');
    return {
      id: view.id,
      // proto3 strings have no null: a member from an imported order history has no name yet.
      displayName: view.displayName ?? '',
      tier: view.tier,
      points: view.points,
      roles: view.roles,
    };
  }
}
