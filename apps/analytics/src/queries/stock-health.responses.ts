import type {
  AgeBands,
  SellThrough,
  StockAge,
  StockHealthCategoryView,
  StockHealthSkuView,
  StockHealthView,
  ValueAtRiskCategoryView,
  ValueAtRiskGroupView,
  ValueAtRiskSkuView,
  ValueAtRiskView,
} from '@ecom/analytics-read-models';
import { ApiProperty } from '@nestjs/swagger';
import { count, instant, money, ratio } from '../openapi/properties';
import type { Expect, SameShape } from '../openapi/same-shape';
import { CategorisedSkuResponse } from './sku.responses';

const nullableCurrency = {
  type: String,
  nullable: true,
  pattern: '^[A-Z]{3}$',
  example: 'CNY',
  description:
    "the currency of the SKU's price and cost (ISO 4217); null while the catalog has announced none",
};

export class SellThroughResponse implements SellThrough {
  @ApiProperty(
    count('units that left stock with shipments (StockDeducted) in the window (asOf - days, asOf]'),
  )
  shipped!: number;

  @ApiProperty(count('units on hand held for orders not shipped yet (on hand - available) at asOf'))
  reserved!: number;

  @ApiProperty(count('units on hand at asOf'))
  onHand!: number;

  @ApiProperty(count('units committed to orders: shipped + reserved'))
  sold!: number;

  @ApiProperty(count('units there were to sell: shipped + onHand'))
  base!: number;

  @ApiProperty(
    ratio('sell-through = sold / base, the definition SLOW_MOVING uses (reserved units count as sold)', true),
  )
  rate!: number | null;
}

export class AgeBandsResponse implements AgeBands {
  @ApiProperty(count('units received 0 to 30 whole days before asOf'))
  days0To30!: number;

  @ApiProperty(count('units received 31 to 60 whole days before asOf'))
  days31To60!: number;

  @ApiProperty(count('units received 61 to 90 whole days before asOf'))
  days61To90!: number;

  @ApiProperty(count('units received more than 90 whole days before asOf'))
  over90Days!: number;
}

export class StockAgeResponse implements StockAge {
  @ApiProperty({ type: AgeBandsResponse, description: 'units on hand in batches, by age since receipt' })
  bands!: AgeBandsResponse;

  @ApiProperty(count('units in batches with a known receipt time (the sum of the bands)'))
  agedUnits!: number;

  @ApiProperty(
    count(
      'units on hand of unknown age: not received as a batch, or in a batch projected before receipt times were kept',
    ),
  )
  unknownAgeUnits!: number;

  @ApiProperty(count('sum over the aged units of their age in whole days (what averages are combined from)'))
  unitAgeDays!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    example: 37.5,
    description:
      'unitAgeDays / agedUnits, to 2 decimals: the unit-weighted average age; null without aged units',
  })
  averageAgeDays!: number | null;
}

export class StockHealthSkuResponse extends CategorisedSkuResponse implements StockHealthSkuView {
  @ApiProperty(count('units on hand, all warehouses'))
  onHand!: number;

  @ApiProperty(count('units available (on hand - reserved), all warehouses'))
  available!: number;

  @ApiProperty({ type: SellThroughResponse })
  sellThrough!: SellThroughResponse;

  @ApiProperty({ type: StockAgeResponse })
  stockAge!: StockAgeResponse;
}

export class StockHealthCategoryResponse implements StockHealthCategoryView {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the category; null for SKUs whose product has no category (or is unknown)',
  })
  categoryId!: string | null;

  @ApiProperty(count('SKUs with stock facts in the category'))
  skus!: number;

  @ApiProperty(count('units on hand over those SKUs'))
  onHand!: number;

  @ApiProperty(count('units available over those SKUs'))
  available!: number;

  @ApiProperty({ type: SellThroughResponse, description: "the same formula over the SKUs' summed units" })
  sellThrough!: SellThroughResponse;

  @ApiProperty({ type: StockAgeResponse, description: 'bands summed, average weighted by units' })
  stockAge!: StockAgeResponse;
}

export class StockHealthResponse implements StockHealthView {
  @ApiProperty(instant('the instant the figures are for (the analytics clock)'))
  asOf!: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 30, description: 'the sell-through window in days' })
  days!: number;

  @ApiProperty({ type: String, nullable: true, description: 'the category asked for; null: all' })
  category!: string | null;

  @ApiProperty({ type: [StockHealthSkuResponse], description: 'every SKU with stock facts, by SKU' })
  skus!: StockHealthSkuResponse[];

  @ApiProperty({
    type: [StockHealthCategoryResponse],
    description: 'per category of those SKUs, by category (null last)',
  })
  categories!: StockHealthCategoryResponse[];
}

export class ValueAtRiskSkuResponse extends CategorisedSkuResponse implements ValueAtRiskSkuView {
  @ApiProperty(nullableCurrency)
  currency!: string | null;

  @ApiProperty(count('units left in batches expiring by the horizon (expired ones included), all warehouses'))
  units!: number;

  @ApiProperty(count('of those, units in batches already expired at asOf'))
  expiredUnits!: number;

  @ApiProperty(instant('the earliest expiry among those batches'))
  earliestExpiry!: string;

  @ApiProperty(money("the SKU's current unit cost in the catalog; null when it has none", true))
  unitCost!: number | null;

  @ApiProperty(money("the SKU's current unit price in the catalog; null when it has none", true))
  unitPrice!: number | null;

  @ApiProperty(
    money('value at risk: units x unitCost; null without a unit cost (never priced instead)', true),
  )
  costValue!: number | null;

  @ApiProperty(money('units x unitPrice, the revenue the units would bring; null without a price', true))
  retailValue!: number | null;
}

export class ValueAtRiskGroupResponse implements ValueAtRiskGroupView {
  @ApiProperty(nullableCurrency)
  currency!: string | null;

  @ApiProperty(count('SKUs with units at risk'))
  skus!: number;

  @ApiProperty(count('units at risk'))
  units!: number;

  @ApiProperty(count('of those, units already expired'))
  expiredUnits!: number;

  @ApiProperty(money('the sum of the SKUs’ costValue (those with a unit cost)'))
  costValue!: number;

  @ApiProperty(count('units of SKUs without a unit cost: at risk, not in costValue'))
  unitsWithoutCost!: number;

  @ApiProperty(money('the sum of the SKUs’ retailValue (those with a price)'))
  retailValue!: number;

  @ApiProperty(count('units of SKUs without a price: not in retailValue'))
  unitsWithoutPrice!: number;
}

export class ValueAtRiskCategoryResponse extends ValueAtRiskGroupResponse implements ValueAtRiskCategoryView {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the category; null for SKUs whose product has no category (or is unknown)',
  })
  categoryId!: string | null;
}

export class ValueAtRiskResponse implements ValueAtRiskView {
  @ApiProperty(instant('the instant the figures are for (the analytics clock)'))
  asOf!: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 30, description: 'the horizon in days' })
  withinDays!: number;

  @ApiProperty(instant('asOf + withinDays: batches expiring at or before it count'))
  horizon!: string;

  @ApiProperty({
    type: [ValueAtRiskSkuResponse],
    description: 'SKUs with units at risk, largest costValue first (unknown cost last), then units, then SKU',
  })
  skus!: ValueAtRiskSkuResponse[];

  @ApiProperty({
    type: [ValueAtRiskCategoryResponse],
    description: 'per category and currency, by category (null last) then currency',
  })
  categories!: ValueAtRiskCategoryResponse[];

  @ApiProperty({
    type: [ValueAtRiskGroupResponse],
    description: 'per currency (money is never summed across currencies)',
  })
  totals!: ValueAtRiskGroupResponse[];
}

export type SellThroughResponseMatchesView = Expect<SameShape<SellThroughResponse, SellThrough>>;
export type StockAgeResponseMatchesView = Expect<SameShape<StockAgeResponse, StockAge>>;
export type StockHealthResponseMatchesView = Expect<SameShape<StockHealthResponse, StockHealthView>>;
export type ValueAtRiskResponseMatchesView = Expect<SameShape<ValueAtRiskResponse, ValueAtRiskView>>;
