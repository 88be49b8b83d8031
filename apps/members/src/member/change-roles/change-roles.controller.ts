import { AuthenticatedMember, CurrentMember, RequireRole, RetryAfterInterceptor } from '@ecom/auth';
import { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Param, Put, UseInterceptors } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
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
      "Revokes the member's tokens: every service refuses tokens issued before within about a second, and the member's next login carries the new roles.",
  })
  @ApiOkResponse({ type: MemberView })
  @ApiServiceUnavailableResponse({
    description:
      'Redis unreachable: the roles may be changed but the tokens not yet revoked; retry (see Retry-After)',
  })
  @UseInterceptors(RetryAfterInterceptor)
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
