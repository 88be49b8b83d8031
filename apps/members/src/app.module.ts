import { PlatformModule, SERVICES } from '@ecom/platform';
import { Module } from '@nestjs/common';
import { MembersAuthModule } from './auth/members-auth.module';
import { MembersEnvironment } from './config/members.settings';
import { MEMBERS_MIGRATIONS } from './database/migrations/1763900000000-create-member-tables';
import { MemberModule } from './member/member.module';

@Module({
  imports: [
    PlatformModule.forService(SERVICES.members, {
      migrations: MEMBERS_MIGRATIONS,
      environment: MembersEnvironment,
    }),
    MemberModule,
    MembersAuthModule,
  ],
})
export class AppModule {}
