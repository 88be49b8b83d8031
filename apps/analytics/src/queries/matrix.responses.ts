import type { MatrixItemView, MatrixThresholds, MatrixView, Quadrant } from '@ecom/analytics-read-models';
import { ApiProperty } from '@nestjs/swagger';
import { currency, day, money, nullableEnum } from '../openapi/properties';
import type { Expect, SameShape } from '../openapi/same-shape';
import { SkuIdentityResponse } from './sku.responses';

/** Every quadrant and what puts a SKU there (a Record, so a quadrant added to the type must be described). */
const QUADRANTS: Record<Quadrant, string> = {
  star: 'high units, high margin',
  traffic: 'high units, low margin',
  profit: 'low units, high margin',
  slow: 'low units, low margin',
};
const QUADRANT_NAMES = Object.keys(QUADRANTS) as Quadrant[];

export class MatrixThresholdsResponse implements MatrixThresholds {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'median net units sold over the SKUs with a known cost (may be x.5); null when none has one',
  })
  unitsSold!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'median gross margin over the SKUs with a known cost, in minor units (may be x.5); null when none has one',
  })
  grossMargin!: number | null;
}

export class MatrixItemResponse extends SkuIdentityResponse implements MatrixItemView {
  @ApiProperty({
    type: 'integer',
    description: 'net units sold: paid order lines minus cancellation refunds and refunded returns',
  })
  unitsSold!: number;

  @ApiProperty(money('net revenue of those units'))
  revenue!: number;

  @ApiProperty(money("the SKU's current unit cost in the catalog; null when it has none", true))
  unitCost!: number | null;

  @ApiProperty(money('revenue - unitsSold x unitCost; null without a unit cost', true))
  grossMargin!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    maximum: 1,
    example: 0.35,
    description:
      'grossMargin / revenue rounded to 4 decimals (negative when sold below cost); null without revenue or cost',
  })
  marginRate!: number | null;

  @ApiProperty({
    ...nullableEnum(QUADRANT_NAMES),
    description:
      `by units sold and gross margin against the medians (high = at or above and above 0): ` +
      `${QUADRANT_NAMES.map((q) => `${q} = ${QUADRANTS[q]}`).join('; ')}; null without a unit cost`,
  })
  quadrant!: Quadrant | null;
}

export class MatrixResponse implements MatrixView {
  @ApiProperty(day('first day of the range (by paid day), included'))
  from!: string;

  @ApiProperty(day('last day of the range, included'))
  to!: string;

  @ApiProperty(currency('the currency of every money figure'))
  currency!: string;

  @ApiProperty({ type: MatrixThresholdsResponse, description: 'the medians that split the quadrants' })
  thresholds!: MatrixThresholdsResponse;

  @ApiProperty({
    type: [MatrixItemResponse],
    description: 'every SKU sold in the range and every catalog SKU not discontinued, by SKU',
  })
  items!: MatrixItemResponse[];
}

export type MatrixResponseMatchesView = Expect<SameShape<MatrixResponse, MatrixView>>;
