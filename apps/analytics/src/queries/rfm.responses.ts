import {
  RFM_SEGMENTS,
  RfmMemberListView,
  RfmMemberView,
  RfmRunSummary,
  RfmSegmentCode,
  RfmSegmentCountView,
  RfmSegmentName,
  RfmSegmentsView,
} from '@ecom/analytics-read-models';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { count, currency, day, instant, money, nullableEnum, ratio } from '../openapi/properties';
import type { Expect, SameShape } from '../openapi/same-shape';

const SEGMENT_NAMES: RfmSegmentName[] = RFM_SEGMENTS.map((s) => s.name);
const SEGMENT_CODES: RfmSegmentCode[] = RFM_SEGMENTS.map((s) => s.code);
const score = (which: string): ApiPropertyOptions => ({
  type: 'integer',
  minimum: 1,
  maximum: 5,
  nullable: true,
  description:
    `${which} (5 = best), against the cut points of the last recomputation and current with the ` +
    "member's payments and refunds; null before the first recomputation",
});

export class RfmMemberResponse implements RfmMemberView {
  @ApiProperty({ example: '0190a1b2-...' })
  memberId!: string;

  @ApiProperty(count('calendar days (ANALYTICS_TZ) from the last paid order to the as-of day'))
  recencyDays!: number;

  @ApiProperty(
    count('orders paid in the RFM window (RFM_WINDOW_DAYS, 365) before the as-of day, not refunded in full'),
  )
  frequency!: number;

  @ApiProperty(money('amount paid on the orders of the window in ANALYTICS_CURRENCY, net of their refunds'))
  monetary!: number;

  @ApiProperty(score('recency quintile score')) r!: number | null;
  @ApiProperty(score('frequency score (fixed order counts, RFM_FREQUENCY_THRESHOLDS)')) f!: number | null;
  @ApiProperty(score('monetary quintile score')) m!: number | null;

  @ApiProperty({
    ...nullableEnum(SEGMENT_NAMES),
    description: 'segment name by r and f; null while not scored',
  })
  segment!: RfmSegmentName | null;

  @ApiProperty({
    ...nullableEnum(SEGMENT_CODES),
    description: 'the segment as a code; null while not scored',
  })
  segmentCode!: RfmSegmentCode | null;

  @ApiProperty({ description: 'recencyDays > RFM_SLEEPING_DAYS (90)' })
  sleeping!: boolean;

  @ApiProperty({
    ...nullableEnum(['SILVER', 'GOLD', 'BLACK']),
    description: "the member's tier as the members service last announced it; null until analytics learns it",
  })
  tier!: string | null;

  @ApiProperty(instant('when the last paid order was paid'))
  lastPaidAt!: string;

  @ApiProperty(currency('the currency of monetary, ANALYTICS_CURRENCY'))
  currency!: string;

  @ApiProperty(
    instant(
      'the instant the values are as of: when the row was computed from the facts, or the last ' +
        'recomputation if later; now for raw values',
    ),
  )
  asOf!: string;
}

export class RfmSegmentCountResponse implements RfmSegmentCountView {
  @ApiProperty({ enum: SEGMENT_NAMES, example: 'Champions' })
  segment!: RfmSegmentName;

  @ApiProperty({ enum: SEGMENT_CODES, example: 'champions' })
  code!: RfmSegmentCode;

  @ApiProperty({ example: 'r=5, f=4-5', description: 'the r and f scores that make the segment' })
  rule!: string;

  @ApiProperty(count('scored members in the segment'))
  members!: number;

  @ApiProperty(ratio('members / all scored members', true))
  share!: number | null;
}

export class RfmSegmentsResponse implements RfmSegmentsView {
  @ApiProperty(
    instant('the last recomputation (its cut points score the members); null before the first', true),
  )
  asOf!: string | null;

  @ApiProperty(count('scored members'))
  members!: number;

  @ApiProperty(count('scored members who are sleeping'))
  sleeping!: number;

  @ApiProperty({ type: [RfmSegmentCountResponse], description: 'every segment, in the contract order' })
  segments!: RfmSegmentCountResponse[];
}

export class RfmMemberListResponse implements RfmMemberListView {
  @ApiProperty(
    instant('the last recomputation (its cut points score the members); null before the first', true),
  )
  asOf!: string | null;

  @ApiProperty(count('members matching the filter, over all pages'))
  total!: number;

  @ApiProperty({ type: [RfmMemberResponse], description: 'best monetary first (then member id)' })
  items!: RfmMemberResponse[];

  @ApiProperty({ ...nullableEnum(SEGMENT_NAMES), description: 'the segment asked for; null for all' })
  segment!: RfmSegmentName | null;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 500 })
  limit!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  offset!: number;
}

export class RfmRunSummaryResponse implements RfmRunSummary {
  @ApiProperty(instant('the instant the scores are as of'))
  asOf!: string;

  @ApiProperty(day('the as-of day'))
  asOfDay!: string;

  @ApiProperty(count('members scored'))
  members!: number;

  @ApiProperty(count('how long the recomputation took, in milliseconds'))
  durationMs!: number;
}

export type RfmMemberResponseMatchesView = Expect<SameShape<RfmMemberResponse, RfmMemberView>>;
export type RfmSegmentsResponseMatchesView = Expect<SameShape<RfmSegmentsResponse, RfmSegmentsView>>;
export type RfmMemberListResponseMatchesView = Expect<SameShape<RfmMemberListResponse, RfmMemberListView>>;
export type RfmRunSummaryResponseMatchesView = Expect<SameShape<RfmRunSummaryResponse, RfmRunSummary>>;
