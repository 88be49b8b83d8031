import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { MemberQueries } from '../read-model/member-queries';
import { MemberView } from '../read-model/member.view';
import { ChangeRolesDto } from './change-roles.dto';
import { ChangeRolesHandler } from './change-roles.handler';

@ApiTags('members')
@ApiBearerAuth()
@Controller('members')
export class ChangeRolesController {
  constructor(
    private readonly handler: ChangeRolesHandler,
    private readonly dataSource: DataSource,
  ) {}

  @Put(':id/roles')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Replace the roles of a member (admin)',
    description:
      'The new roles are in the next token the member gets; tokens issued before keep the old roles until they expire.',
  })
  @ApiOkResponse({ type: MemberView })
  async change(
    @Param('id') id: string,
    @Body() dto: ChangeRolesDto,
    @CurrentMember() caller: AuthenticatedMember,
    @RequestEventContext() context: EventContext,
  ): Promise<MemberView> {
    await this.handler.execute({ memberId: id, roles: dto.roles, actorId: caller.id }, context);
    return (await MemberQueries.view(this.dataSource, id))!;
  }
}
