import {
  CategoryRepurchase,
  CohortMonthRetention,
  CohortsView,
  LIFECYCLE_STAGE_CODES,
  LifecycleMemberPage,
  LifecycleStage,
  LifecycleStageCount,
  LifecycleThresholds,
  LifecycleView,
  MemberLifecycle,
  RepurchaseView,
  RetentionCohort,
} from '@ecom/analytics-read-models';
import { ApiProperty } from '@nestjs/swagger';
import { count, day, nullableEnum, ratio } from '../openapi/properties';
import type { Expect, SameShape } from '../openapi/same-shape';

const month = (description: string) => ({
  type: String,
  pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
  example: '2026-11',
  description: `${description} (YYYY-MM, a calendar month in ANALYTICS_TZ)`,
});

export class LifecycleThresholdsResponse implements LifecycleThresholds {
  @ApiProperty(count('LIFECYCLE_NEW_DAYS: one net paid order at most this many days old is new'))
  newDays!: number;

  @ApiProperty(count('LIFECYCLE_ACTIVE_DAYS: a last net paid order at most this many days old is active'))
  activeDays!: number;

  @ApiProperty(count('RFM_SLEEPING_DAYS: at most this many days old is at_risk, beyond it sleeping'))
  sleepingDays!: number;

  @ApiProperty(count('LIFECYCLE_LOST_DAYS: at most this many days old is sleeping, beyond it lost'))
  lostDays!: number;
}

export class LifecycleStageCountResponse implements LifecycleStageCount {
  @ApiProperty({ enum: LIFECYCLE_STAGE_CODES, example: 'active' })
  stage!: LifecycleStage;

  @ApiProperty({
    description: 'what puts a member in the stage',
    example: 'not new; last net paid order at most LIFECYCLE_ACTIVE_DAYS days before the as-of day',
  })
  rule!: string;

  @ApiProperty(count('members in the stage'))
  members!: number;

  @ApiProperty(ratio('members / all members with a stage', true))
  share!: number | null;
}

export class LifecycleResponse implements LifecycleView {
  @ApiProperty(day('the day the stages are as of'))
  asOfDay!: string;

  @ApiProperty({ type: LifecycleThresholdsResponse, description: 'the day thresholds in force' })
  thresholds!: LifecycleThresholdsResponse;

  @ApiProperty(count('members with a net paid order (paid, not refunded in full) on or before the as-of day'))
  members!: number;

  @ApiProperty({
    type: [LifecycleStageCountResponse],
    description: 'every stage: new, active, at_risk, sleeping, lost',
  })
  stages!: LifecycleStageCountResponse[];
}

export class MemberLifecycleResponse implements MemberLifecycle {
  @ApiProperty({ example: '0190a1b2-...' })
  memberId!: string;

  @ApiProperty({ enum: LIFECYCLE_STAGE_CODES, example: 'at_risk' })
  stage!: LifecycleStage;

  @ApiProperty({ ...count('net paid orders on or before the as-of day'), minimum: 1 })
  orders!: number;

  @ApiProperty(day('the day of the first net paid order'))
  firstPaidDay!: string;

  @ApiProperty(day('the day of the last net paid order on or before the as-of day'))
  lastPaidDay!: string;

  @ApiProperty(count('calendar days from the last net paid order to the as-of day'))
  recencyDays!: number;
}

export class LifecycleMemberPageResponse implements LifecycleMemberPage {
  @ApiProperty(day('the day the stages are as of'))
  asOfDay!: string;

  @ApiProperty({
    ...nullableEnum(LIFECYCLE_STAGE_CODES),
    description: 'the stage asked for; null for every stage',
  })
  stage!: LifecycleStage | null;

  @ApiProperty(count('members matching, over all pages'))
  total!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 500 })
  limit!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  offset!: number;

  @ApiProperty({
    type: [MemberLifecycleResponse],
    description: 'most recent last order first, then member id',
  })
  items!: MemberLifecycleResponse[];
}

export class CategoryRepurchaseResponse implements CategoryRepurchase {
  @ApiProperty({ description: 'the category id of the products (catalog)', example: 'tea' })
  categoryId!: string;

  @ApiProperty(count('members with a net paid order containing the category, paid in the range'))
  buyers!: number;

  @ApiProperty(count('of those, members with two or more such orders in the range'))
  repurchasers!: number;

  @ApiProperty(ratio('repurchasers / buyers', true))
  repurchaseRate!: number | null;

  @ApiProperty(count('pairs of consecutive such orders of one member (each member: orders - 1)'))
  intervals!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    example: 14.5,
    description:
      'median over those pairs of the calendar days (ANALYTICS_TZ) between the two payments (0 = same day; ' +
      'x.5 for an even count); null without a pair',
  })
  medianDaysBetween!: number | null;
}

export class RepurchaseResponse implements RepurchaseView {
  @ApiProperty(day('first day of payment counted'))
  from!: string;

  @ApiProperty(day('last day of payment counted'))
  to!: string;

  @ApiProperty({
    type: [CategoryRepurchaseResponse],
    description: 'every category with a buyer in the range, by id',
  })
  categories!: CategoryRepurchaseResponse[];
}

export class CohortMonthRetentionResponse implements CohortMonthRetention {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'months after the cohort month' })
  k!: number;

  @ApiProperty(month('the month'))
  month!: string;

  @ApiProperty(count('cohort members with a net paid order in that month'))
  members!: number;

  @ApiProperty(ratio('members / the cohort size', true))
  share!: number | null;

  @ApiProperty({ description: 'false for the current month, still running (its share can only grow)' })
  complete!: boolean;
}

export class RetentionCohortResponse implements RetentionCohort {
  @ApiProperty(month("the month of the members' first net paid order"))
  month!: string;

  @ApiProperty(count('members whose first net paid order was in that month'))
  members!: number;

  @ApiProperty({
    type: [CohortMonthRetentionResponse],
    description: 'k = 1 up to the current month, at most `horizon` months',
  })
  retention!: CohortMonthRetentionResponse[];
}

export class CohortsResponse implements CohortsView {
  @ApiProperty(month('first cohort month'))
  from!: string;

  @ApiProperty(month('last cohort month'))
  to!: string;

  @ApiProperty(day('the day the cohorts are as of (orders paid on or before it count)'))
  asOfDay!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 36,
    description: 'months reported after each cohort month',
  })
  horizon!: number;

  @ApiProperty({ type: [RetentionCohortResponse], description: 'every month from..to, empty ones too' })
  cohorts!: RetentionCohortResponse[];
}

export type LifecycleResponseMatchesView = Expect<SameShape<LifecycleResponse, LifecycleView>>;
export type LifecycleMemberPageResponseMatchesView = Expect<
  SameShape<LifecycleMemberPageResponse, LifecycleMemberPage>
>;
export type RepurchaseResponseMatchesView = Expect<SameShape<RepurchaseResponse, RepurchaseView>>;
export type CohortsResponseMatchesView = Expect<SameShape<CohortsResponse, CohortsView>>;
