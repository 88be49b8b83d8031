import type { StockWarningView } from '@ecom/analytics-read-models';
import { STOCK_WARNING_TYPES, StockWarningType } from '@ecom/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { instant } from '../openapi/properties';
import type { Expect, SameShape } from '../openapi/same-shape';

export class StockWarningResponse implements StockWarningView {
  @ApiProperty({ example: 'TEE-RED-M' })
  sku!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'the warehouse of a NEAR_EXPIRY warning; null for a warning over all warehouses',
  })
  warehouse!: string | null;

  @ApiProperty({
    enum: STOCK_WARNING_TYPES,
    description:
      'OUT_OF_STOCK (available 0), BELOW_SAFETY_STOCK (available < safetyStock), STOCKOUT_RISK ' +
      '(daysOfCover < lead time), NEAR_EXPIRY (a batch expiring within 30 days), SLOW_MOVING ' +
      '(30-day sell-through below 5 %)',
  })
  type!: StockWarningType;

  @ApiProperty({
    type: 'integer',
    description:
      'units available (on hand - reserved), over all warehouses or in the warehouse of the warning',
  })
  available!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: "the SKU's safety stock, in units" })
  safetyStock!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    example: 3.5,
    description:
      'days the available units last at the 14-day sales rate (2 decimals); STOCKOUT_RISK only, else null',
  })
  daysOfCover!: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 0,
    description:
      'units to order to cover the lead time plus 14 days and the safety stock; STOCKOUT_RISK only, else null',
  })
  suggestedReorderQty!: number | null;

  @ApiProperty(instant('when the warning was raised'))
  since!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { unitsSold: 42, windowDays: 14, averageDailyUnitsSold: 3, leadTimeDays: 7, reorderPoint: 26 },
    description:
      'the figures behind the warning, by type: onHand (OUT_OF_STOCK, BELOW_SAFETY_STOCK), and ' +
      'neverStocked: true on the OUT_OF_STOCK of a listed SKU that never had stock; unitsSold, ' +
      'windowDays, averageDailyUnitsSold, leadTimeDays, reorderPoint (STOCKOUT_RISK); batch, expiresAt, ' +
      'quantity, expiringBatches, expired (NEAR_EXPIRY); onHand, unitsSold (shipped), unitsReserved, ' +
      'windowDays, sellThrough ((unitsSold + unitsReserved) / (unitsSold + onHand)) (SLOW_MOVING)',
  })
  details!: Record<string, unknown>;
}

export type StockWarningResponseMatchesView = Expect<SameShape<StockWarningResponse, StockWarningView>>;
