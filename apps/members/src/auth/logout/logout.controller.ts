import {
  AuthenticatedMember,
  CurrentMember,
  RetryAfterInterceptor,
  RetryLaterException,
  RevocationCheckUnavailableError,
  TokenRevocations,
} from '@ecom/auth';
import { Controller, HttpCode, HttpStatus, Post, UseInterceptors } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth')
export class LogoutController {
  constructor(private readonly revocations: TokenRevocations) {}

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Revoke every access token of the caller (all sessions)',
    description:
      'Tokens issued before are refused by every service within about a second (the revocation check caches a member version for 1 s per process).',
  })
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiUnauthorizedResponse({ description: 'no, invalid or already revoked token' })
  @ApiServiceUnavailableResponse({ description: 'Redis unreachable, nothing revoked; see Retry-After' })
  @UseInterceptors(RetryAfterInterceptor)
  async logout(@CurrentMember() caller: AuthenticatedMember): Promise<void> {
    await this.revocations.revokeAll(caller.id).catch((error) => {
      if (error instanceof RevocationCheckUnavailableError)
        throw RetryLaterException.unavailable('token revocation (Redis)', 1);
      throw error;
    });
  }
}
