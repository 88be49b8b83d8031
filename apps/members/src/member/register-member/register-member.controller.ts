import { Public } from '@ecom/auth';
import { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime, RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MemberQueries } from '../read-model/member-queries';
import { MemberView } from '../read-model/member.view';
import { RegisterMemberDto } from './register-member.dto';
import { RegisterMemberHandler } from './register-member.handler';

@ApiTags('members')
@Controller('members')
export class RegisterMemberController {
  constructor(
    private readonly handler: RegisterMemberHandler,
    private readonly runtime: EventSourcingRuntime,
  ) {}

  @Public()
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Register a customer account' })
  @ApiCreatedResponse({ type: MemberView })
  @ApiConflictResponse({ description: 'the email is already registered' })
  async register(
    @Body() dto: RegisterMemberDto,
    @RequestEventContext() context: EventContext,
  ): Promise<MemberView> {
    const id = await this.handler.register(dto, context);
    return (await MemberQueries.view(this.runtime.dataSource, id))!;
  }
}
