import { Public, RetryAfterInterceptor } from '@ecom/auth';
import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginDto, LoginResponse } from './login.dto';
import { LoginHandler } from './login.handler';

@ApiTags('auth')
@Controller('auth')
export class LoginController {
  constructor(private readonly handler: LoginHandler) {}

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange email and password for an access token' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiUnauthorizedResponse({ description: 'invalid email or password (the same for an unknown email)' })
  @ApiTooManyRequestsResponse({
    description:
      'too many failed attempts for the account from this address (delays double with each failure) or from the address across accounts; see Retry-After',
  })
  @ApiServiceUnavailableResponse({ description: 'Redis unreachable; see Retry-After' })
  @UseInterceptors(RetryAfterInterceptor)
  login(
    @Body() dto: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponse> {
    // A token must not stay in a shared cache, whatever the answer.
    void reply.header('Cache-Control', 'no-store');
    return this.handler.execute({ email: dto.email, password: dto.password, ip: request.ip });
  }
}
