import { AuthenticatedMember, CurrentMember, Public, RetryAfterInterceptor } from '@ecom/auth';
import { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseInterceptors } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { MemberQueries } from '../read-model/member-queries';
import { MemberView } from '../read-model/member.view';
import { RegisterMemberDto } from './register-member.dto';
import { RegisterMemberHandler } from './register-member.handler';
import { RegistrationThrottle } from './registration-throttle';

@ApiTags('members')
@Controller('members')
export class RegisterMemberController {
  constructor(
    private readonly handler: RegisterMemberHandler,
    private readonly dataSource: DataSource,
    private readonly throttle: RegistrationThrottle,
  ) {}

  @Public()
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Register a customer account',
    description:
      'Anonymous registrations are limited per client address (429 with Retry-After); an operator or ' +
      'admin registering members for the shop (back office, imports) is not.',
  })
  @ApiCreatedResponse({ type: MemberView })
  @ApiConflictResponse({ description: 'the email is already registered' })
  @ApiTooManyRequestsResponse({ description: 'too many registrations from this address; see Retry-After' })
  @ApiServiceUnavailableResponse({ description: 'Redis unreachable; see Retry-After' })
  @UseInterceptors(RetryAfterInterceptor)
  async register(
    @Body() dto: RegisterMemberDto,
    @Req() request: FastifyRequest,
    @CurrentMember() caller: AuthenticatedMember | undefined,
    @RequestEventContext() context: EventContext,
  ): Promise<MemberView> {
    const backOffice = caller?.roles.some((role) => role === 'operator' || role === 'admin');
    if (!backOffice) await this.throttle.attempt(request.ip);
    const id = await this.handler.execute(dto, context);
    return (await MemberQueries.view(this.dataSource, id))!;
  }
}
