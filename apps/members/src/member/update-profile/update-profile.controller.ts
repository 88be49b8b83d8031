import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import { EventContext } from '@ecom/contracts';
import { NotFoundError } from '@ecom/event-sourcing';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { MemberQueries } from '../read-model/member-queries';
import { MemberView } from '../read-model/member.view';
import { UpdateProfileDto } from './update-profile.dto';
import { UpdateProfileHandler } from './update-profile.handler';

@ApiTags('members')
@ApiBearerAuth()
@Controller('members')
export class UpdateProfileController {
  constructor(
    private readonly handler: UpdateProfileHandler,
    private readonly dataSource: DataSource,
  ) {}

  @Patch('me')
  @ApiOperation({ summary: 'Change my display name or phone number' })
  @ApiOkResponse({ type: MemberView })
  async update(
    @CurrentMember() caller: AuthenticatedMember,
    @Body() dto: UpdateProfileDto,
    @RequestEventContext() context: EventContext,
  ): Promise<MemberView> {
    await this.handler.execute(
      { memberId: caller.id, displayName: dto.displayName, phone: dto.phone },
      context,
    );
    const view = await MemberQueries.view(this.dataSource, caller.id);
    if (!view) throw new NotFoundError(`member ${caller.id} not found`, 'MEMBER_NOT_FOUND');
    return view;
  }
}
