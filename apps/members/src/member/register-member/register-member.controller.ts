import { Public } from '@ecom/auth';
import { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { MemberQueries } from '../read-model/member-queries';
import { MemberView } from '../read-model/member.view';
import { RegisterMemberDto } from './register-member.dto';
import { RegisterMemberHandler } from './register-member.handler';

@ApiTags('members')
@Controller('members')
export class RegisterMemberController {
  constructor(
    private readonly handler: RegisterMemberHandler,
    private readonly dataSource: DataSource,
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
    const id = await this.handler.execute(dto, context);
    return (await MemberQueries.view(this.dataSource, id))!;
  }
}
