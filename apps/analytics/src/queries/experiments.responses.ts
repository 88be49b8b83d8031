import type {
  ExperimentListView,
  ExperimentSummary,
  ExperimentVariantSummary,
  ExperimentView,
  VariantComparison,
  VariantReadout,
} from '@ecom/analytics-read-models';
import { ApiProperty } from '@nestjs/swagger';
import { count, currency, day, instant, money, ratio } from '../openapi/properties';
import type { Expect, SameShape } from '../openapi/same-shape';

const NAME = { type: String, pattern: '^[A-Za-z0-9_.-]{1,64}$' } as const;
const UNROUNDED = 'computed from the counts, not rounded';

export class VariantReadoutResponse implements VariantReadout {
  @ApiProperty({ ...NAME, example: 'B' })
  variant!: string;

  @ApiProperty(count('visitors first exposed to this variant in the range (storefront behaviour events)'))
  visitors!: number;

  @ApiProperty(
    count(
      'of those visitors, the ones with an order paid in the range that carried the same experiment and variant',
    ),
  )
  convertedVisitors!: number;

  @ApiProperty(count("those visitors' orders of this variant paid in the range, in the answer's currency"))
  paidOrders!: number;

  @ApiProperty(money('amount paid on those orders (gross of refunds)'))
  revenue!: number;

  @ApiProperty(ratio('convertedVisitors / visitors', true))
  conversion!: number | null;

  @ApiProperty(money('revenue / paidOrders, rounded; null without paid orders', true))
  averageOrderValue!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    description: 'revenue / visitors in minor units, 2 decimals; null without visitors',
  })
  revenuePerVisitor!: number | null;
}

export class VariantComparisonResponse implements VariantComparison {
  @ApiProperty({ ...NAME, description: 'the variant compared' })
  variant!: string;

  @ApiProperty({ ...NAME, description: 'the control it is compared with' })
  control!: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: `conversion(variant) - conversion(control); ${UNROUNDED}; null when either has no visitors`,
  })
  absoluteDifference!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: "absoluteDifference / the control's conversion; null when that is 0 or unknown",
  })
  relativeDifference!: number | null;

  @ApiProperty({ type: Number, example: 0.95, description: 'the confidence level of the interval' })
  confidenceLevel!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: `lower bound of the 95% Wald interval of absoluteDifference (unpooled standard error); ${UNROUNDED}; null when either has no visitors`,
  })
  confidenceLower!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: `upper bound of that interval; ${UNROUNDED}; null when either has no visitors`,
  })
  confidenceUpper!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'two-proportion z statistic (pooled standard error); null when either has no visitors or the pooled conversion is 0 or 1',
  })
  z!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: 'two-sided p-value of z; null when z is',
  })
  pValue!: number | null;

  @ApiProperty({ description: 'pValue < 0.05 and the sample is not too small' })
  significant!: boolean;

  @ApiProperty({
    description:
      'either variant has fewer than 100 visitors, fewer than 5 conversions or fewer than 5 non-conversions',
  })
  sampleTooSmall!: boolean;

  @ApiProperty({
    type: [String],
    example: ['control: 42 visitors, fewer than 100'],
    description: 'each rule broken, per variant; empty when the sample is large enough',
  })
  sampleTooSmallReasons!: string[];
}

export class ExperimentResponse implements ExperimentView {
  @ApiProperty({ ...NAME, example: 'checkout_v2' })
  experiment!: string;

  @ApiProperty(day('first day of the range, included'))
  from!: string;

  @ApiProperty(day('last day of the range, included'))
  to!: string;

  @ApiProperty(currency('currency of paidOrders, revenue and the values derived from them'))
  currency!: string;

  @ApiProperty({ ...NAME, description: 'the control variant' })
  control!: string;

  @ApiProperty({
    type: [VariantReadoutResponse],
    description:
      'every variant ever seen in the experiment, in code-point order (zeros when none in the range)',
  })
  variants!: VariantReadoutResponse[];

  @ApiProperty({
    type: [VariantComparisonResponse],
    description: 'each variant but the control against the control',
  })
  comparisons!: VariantComparisonResponse[];
}

export class ExperimentVariantSummaryResponse implements ExperimentVariantSummary {
  @ApiProperty({ ...NAME })
  variant!: string;

  @ApiProperty(count('visitors exposed to the variant'))
  visitors!: number;
}

export class ExperimentSummaryResponse implements ExperimentSummary {
  @ApiProperty({ ...NAME })
  experiment!: string;

  @ApiProperty(count('visitors exposed to any variant'))
  visitors!: number;

  @ApiProperty(instant("the earliest visitor's first exposure"))
  firstSeenAt!: string;

  @ApiProperty(instant("the latest visitor's first exposure"))
  lastSeenAt!: string;

  @ApiProperty({ type: [ExperimentVariantSummaryResponse], description: 'in code-point order' })
  variants!: ExperimentVariantSummaryResponse[];
}

export class ExperimentListResponse implements ExperimentListView {
  @ApiProperty({
    ...day('first day of first exposures counted'),
    nullable: true,
    description: 'null: all time',
  })
  from!: string | null;

  @ApiProperty({
    ...day('last day of first exposures counted'),
    nullable: true,
    description: 'null: all time',
  })
  to!: string | null;

  @ApiProperty({ type: [ExperimentSummaryResponse], description: 'in code-point order of the key' })
  experiments!: ExperimentSummaryResponse[];
}

export type ExperimentResponseMatches = Expect<SameShape<ExperimentResponse, ExperimentView>>;
export type ExperimentListResponseMatches = Expect<SameShape<ExperimentListResponse, ExperimentListView>>;
export type VariantComparisonMatches = Expect<SameShape<VariantComparisonResponse, VariantComparison>>;
