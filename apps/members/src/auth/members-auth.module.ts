import { Module } from '@nestjs/common';
import { MemberModule } from '../member/member.module';
import { AuthKeysController } from './auth-keys.controller';
import { LoginThrottle } from './login/login-throttle';
import { LoginController } from './login/login.controller';
import { LoginHandler } from './login/login.handler';
import { LogoutController } from './logout/logout.controller';
import { tokenIssuerProvider } from './token-issuer';

/** The issuing side of authentication: login, token signing, the published public key. */
@Module({
  imports: [MemberModule],
  controllers: [LoginController, LogoutController, AuthKeysController],
  providers: [tokenIssuerProvider, LoginThrottle, LoginHandler],
})
export class MembersAuthModule {}
