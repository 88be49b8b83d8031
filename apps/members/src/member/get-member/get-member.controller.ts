import { AuthenticatedMember, CurrentMember, isBackOffice } from '@ecom/auth';
import { NotFoundError } from '@ecom/event-sourcing';
import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { MemberQueries } from '../read-model/member-queries';
import { MemberView } from '../read-model/member.view';

/** Who may read a member: operators and admins anyone, a customer only themself (else 404, as for a missing one). */
export function readableBy(caller: AuthenticatedMember | undefined, memberId: string): boolean {
  return !!caller && (caller.id === memberId || isBackOffice(caller));
}

@ApiTags('members')
@ApiBearerAuth()
@Controller('members')
export class GetMemberController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('me')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'My account: profile, tier, points and roles' })
  @ApiOkResponse({ type: MemberView })
  me(@CurrentMember() caller: AuthenticatedMember): Promise<MemberView> {
    return this.find(caller.id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A member (operator; a customer may read only themself, others are 404)' })
  @ApiOkResponse({ type: MemberView })
  @ApiNotFoundResponse({ description: 'no such member, or a customer asking for someone else' })
  get(@Param('id') id: string, @CurrentMember() caller: AuthenticatedMember): Promise<MemberView> {
    if (!readableBy(caller, id)) throw new NotFoundError(`member ${id} not found`, 'MEMBER_NOT_FOUND');
    return this.find(id);
  }

  private async find(id: string): Promise<MemberView> {
    const view = await MemberQueries.view(this.dataSource, id);
    if (!view) throw new NotFoundError(`member ${id} not found`, 'MEMBER_NOT_FOUND');
    return view;
  }
}
