import { AggregateRepository } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { FactoryProvider } from '@nestjs/common';
import { MemberAggregate, MemberEvent, MemberState } from './domain/member.aggregate';

export type MemberRepository = AggregateRepository<MemberState, MemberEvent>;
export const MEMBER_REPOSITORY = Symbol('MEMBER_REPOSITORY');

export const memberRepositoryProvider: FactoryProvider<MemberRepository> = {
  provide: MEMBER_REPOSITORY,
  inject: [EventSourcingRuntime],
  useFactory: (runtime: EventSourcingRuntime) => runtime.repository(MemberAggregate),
};
