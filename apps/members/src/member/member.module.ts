import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { MEMBERS_SETTINGS, MembersSettings, readMembersSettings } from '../config/members.settings';
import { AdminBootstrap } from './admin-bootstrap/admin-bootstrap';
import { ChangeRolesController } from './change-roles/change-roles.controller';
import { ChangeRolesHandler } from './change-roles/change-roles.handler';
import { PasswordHasher } from './credentials/password-hasher';
import { GetMemberController } from './get-member/get-member.controller';
import { MembersGrpcController } from './grpc/members.grpc.controller';
import { OrderSpendConsumer } from './on-order-spend/order-spend.consumer';
import { MemberSummaryProjection } from './read-model/member-summary.projection';
import { RegisterMemberController } from './register-member/register-member.controller';
import { RegisterMemberHandler } from './register-member/register-member.handler';
import { RegistrationThrottle } from './register-member/registration-throttle';
import { TierReviewService } from './tier-review/tier-review.service';
import { UpdateProfileController } from './update-profile/update-profile.controller';
import { UpdateProfileHandler } from './update-profile/update-profile.handler';

/** Registers the member_summaries projection with the event store before anything is appended. */
@Injectable()
export class MemberProjections implements OnModuleInit {
  readonly summaries = new MemberSummaryProjection();
  constructor(private readonly runtime: EventSourcingRuntime) {}
  onModuleInit(): void {
    this.runtime.addInlineProjection(this.summaries);
  }
}

@Module({
  controllers: [
    RegisterMemberController,
    GetMemberController,
    UpdateProfileController,
    ChangeRolesController,
    MembersGrpcController,
  ],
  providers: [
    { provide: MEMBERS_SETTINGS, useFactory: () => readMembersSettings() },
    {
      provide: PasswordHasher,
      inject: [MEMBERS_SETTINGS],
      useFactory: (settings: MembersSettings) => new PasswordHasher(settings.scrypt),
    },
    MemberProjections,
    RegisterMemberHandler,
    RegistrationThrottle,
    UpdateProfileHandler,
    ChangeRolesHandler,
    OrderSpendConsumer,
    TierReviewService,
    AdminBootstrap,
  ],
  exports: [MEMBERS_SETTINGS, PasswordHasher],
})
export class MemberModule {}
