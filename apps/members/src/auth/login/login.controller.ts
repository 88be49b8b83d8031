import { Public } from '@ecom/auth';
import { Body, Controller, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginThrottledException } from './login-throttle';
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
    description: 'too many failed attempts for the account or from the IP; see Retry-After',
  })
  async login(
    @Body() dto: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponse> {
    try {
      return await this.handler.execute({ email: dto.email, password: dto.password, ip: request.ip });
    } catch (error) {
      if (error instanceof LoginThrottledException)
        void reply.header('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }
}
