import { Type } from '@sinclair/typebox';
import { Topics } from '../topics';
import { Nullable, Sku, Timestamp } from './common.schemas';
import { defineEvent, EventUnion } from './define-event';
import { WarehouseCode } from './inventory.events';

const topic = Topics.analyticsAlerts;
/** aggregateId = `${type}:${sku}:${warehouse ?? '*'}` (see stockWarningAggregateId). */
const aggregateType = 'StockWarning';

/** Every stock warning type, in the order reports list them (docs/analytics.md defines each). */
export const STOCK_WARNING_TYPES = [
  'OUT_OF_STOCK',
  'BELOW_SAFETY_STOCK',
  'STOCKOUT_RISK',
  'NEAR_EXPIRY',
  'SLOW_MOVING',
] as const;
export type StockWarningType = (typeof STOCK_WARNING_TYPES)[number];

export const StockWarningType = Type.Union(STOCK_WARNING_TYPES.map((type) => Type.Literal(type)));

/** The aggregate id of a stock warning: one stream per warning type, SKU and warehouse ('*' = all). */
export function stockWarningAggregateId(type: string, sku: string, warehouse: string | null): string {
  return `${type}:${sku}:${warehouse ?? '*'}`;
}

export const AlertEvents = {
  StockWarningRaised: defineEvent({
    type: 'StockWarningRaised',
    version: 1,
    topic,
    aggregateType,
    description:
      'A stock warning started for a SKU (and warehouse where it applies): out of stock, below safety stock, ' +
      'stockout risk, near expiry or slow moving. For purchasing systems.',
    schema: Type.Object(
      {
        sku: Sku,
        warehouse: Nullable(WarehouseCode),
        type: StockWarningType,
        available: Type.Integer(),
        safetyStock: Type.Integer({ minimum: 0 }),
        daysOfCover: Nullable(Type.Number({ minimum: 0 })),
        suggestedReorderQty: Nullable(Type.Integer({ minimum: 0 })),
        since: Timestamp,
      },
      { additionalProperties: false },
    ),
  }),
  StockWarningCleared: defineEvent({
    type: 'StockWarningCleared',
    version: 1,
    topic,
    aggregateType,
    description: 'A stock warning no longer applies (stock received, policy changed, sales picked up, ...).',
    schema: Type.Object(
      {
        sku: Sku,
        warehouse: Nullable(WarehouseCode),
        type: StockWarningType,
        available: Type.Integer(),
        clearedAt: Timestamp,
      },
      { additionalProperties: false },
    ),
  }),
} as const;

export type AlertEvent = EventUnion<typeof AlertEvents>;
