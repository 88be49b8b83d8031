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

/**
 * The rules that raise anomaly alerts (docs/analytics.md, "Anomaly alerts"): an hour against the same
 * hour of the previous weeks, a SKU's refund rate over 30 days, PaymentFailed in a 10-minute window.
 */
export const ANOMALY_TYPES = ['HOURLY', 'REFUND_RATE', 'PAYMENT_FAILURE_BURST'] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];
/** What an anomaly alert measures: the hourly GMV, conversion and payment success rate; a SKU's refund rate; failed payments. */
export const ANOMALY_METRICS = [
  'GMV',
  'CONVERSION',
  'PAYMENT_SUCCESS',
  'REFUND_RATE',
  'PAYMENT_FAILURES',
] as const;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const anomalyAggregateType = 'Anomaly';
/** The wall-clock hour (of ANALYTICS_TZ) an alert was decided on, as instants: from inclusive, to exclusive. */
const AnomalyWindow = Type.Object({ from: Timestamp, to: Timestamp }, { additionalProperties: false });

/** The aggregate id of an anomaly alert stream: one per rule, metric and SKU ('*' = the whole shop). */
export function anomalyAggregateId(type: string, metric: string, sku: string | null): string {
  return `${type}:${metric}:${sku ?? '*'}`;
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
  AnomalyRaised: defineEvent({
    type: 'AnomalyRaised',
    version: 1,
    topic,
    aggregateType: anomalyAggregateType,
    description:
      'An hour of GMV, conversion or payment success deviated from the same hour of the previous weeks ' +
      "beyond the threshold (a drop or a spike); a SKU's refund rate over 30 days, or the payment failures in " +
      'a 10-minute window, went above its limit (a spike; expected is the limit). For operations and risk control.',
    schema: Type.Object(
      {
        alertId: Type.String({ minLength: 1, maxLength: 128 }),
        type: literals(ANOMALY_TYPES),
        metric: literals(ANOMALY_METRICS),
        sku: Nullable(Sku),
        direction: literals(['DROP', 'SPIKE'] as const),
        expected: Type.Number(),
        actual: Type.Number(),
        deviation: Type.Number({ description: '(actual - expected) / expected' }),
        window: AnomalyWindow,
      },
      { additionalProperties: false },
    ),
  }),
  AnomalyCleared: defineEvent({
    type: 'AnomalyCleared',
    version: 1,
    topic,
    aggregateType: anomalyAggregateType,
    description:
      'A raised anomaly no longer holds: a later hour, day or window was back within the threshold (its figures), or the ' +
      'facts no longer show the alert after a rebuild (figures and window null).',
    schema: Type.Object(
      {
        alertId: Type.String({ minLength: 1, maxLength: 128 }),
        type: literals(ANOMALY_TYPES),
        metric: literals(ANOMALY_METRICS),
        sku: Nullable(Sku),
        expected: Nullable(Type.Number()),
        actual: Nullable(Type.Number()),
        deviation: Nullable(Type.Number()),
        window: Nullable(AnomalyWindow),
      },
      { additionalProperties: false },
    ),
  }),
} as const;

export type AlertEvent = EventUnion<typeof AlertEvents>;
