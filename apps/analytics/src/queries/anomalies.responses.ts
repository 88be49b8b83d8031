import type {
  AnomalyAlertView,
  AnomalyListView,
  AnomalyReadingView,
  AnomalyWindowView,
} from '@ecom/analytics-read-models';
import { ANOMALY_METRICS, ANOMALY_TYPES, AnomalyMetric, AnomalyType } from '@ecom/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { day, instant } from '../openapi/properties';

export class AnomalyWindowResponse implements AnomalyWindowView {
  @ApiProperty(instant('start of the wall-clock hour (ANALYTICS_TZ), included'))
  from!: string;

  @ApiProperty(instant('start of the next hour, excluded'))
  to!: string;
}

export class AnomalyReadingResponse implements AnomalyReadingView {
  @ApiProperty({
    type: Number,
    description:
      'HOURLY: the median of the same hour of the previous ANOMALY_WEEKS weeks (GMV in minor units, conversion ' +
      'and payment success as ratios 0..1); REFUND_RATE: the limit ANOMALY_REFUND_RATE_PCT as a ratio; ' +
      'PAYMENT_FAILURE_BURST: the limit ANOMALY_BURST_FAILURES',
  })
  expected!: number;

  @ApiProperty({ type: Number, description: "the hour's own value, in the same unit" })
  actual!: number;

  @ApiProperty({ type: Number, example: -0.5, description: '(actual - expected) / expected' })
  deviation!: number;

  @ApiProperty({
    type: AnomalyWindowResponse,
    description:
      'HOURLY: the hour; REFUND_RATE: the 30 days of paid orders; PAYMENT_FAILURE_BURST: the 10 minutes',
  })
  window!: AnomalyWindowResponse;
}

export class AnomalyAlertResponse extends AnomalyReadingResponse implements AnomalyAlertView {
  @ApiProperty({
    example: 'HOURLY:CONVERSION:2026-03-01T11',
    description:
      'the rule, the metric (and SKU) and the hour, day or window start that raised it (alertId on analytics.alerts)',
  })
  id!: string;

  @ApiProperty({
    enum: ANOMALY_TYPES,
    description: 'HOURLY: an hour against the same hour of the previous weeks',
  })
  type!: AnomalyType;

  @ApiProperty({
    enum: ANOMALY_METRICS,
    description:
      'GMV (amount paid in the hour, analytics currency), CONVERSION (paying visitors / visitors with ' +
      'storefront behaviour in the hour), PAYMENT_SUCCESS (OrderPaid / (OrderPaid + PaymentFailed) in the hour), ' +
      'REFUND_RATE or PAYMENT_FAILURES (a count)',
  })
  metric!: AnomalyMetric;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'null for the shop-wide hourly alerts',
  })
  sku!: string | null;

  @ApiProperty({
    enum: ['DROP', 'SPIKE'],
    description: 'below or above the expected value by more than the threshold',
  })
  direction!: 'DROP' | 'SPIKE';

  @ApiProperty({ enum: ['OPEN', 'CLEARED'] })
  state!: 'OPEN' | 'CLEARED';

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'the expected value of the later hour that was back within the threshold; null while open',
  })
  clearedExpected!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: "that hour's own value; null while open" })
  clearedActual!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: "that hour's deviation; null while open" })
  clearedDeviation!: number | null;

  @ApiProperty(instant('start of the hour that cleared it; null while open', true))
  clearedFrom!: string | null;

  @ApiProperty(instant('end of the hour that cleared it; null while open', true))
  clearedTo!: string | null;
}

export class AnomalyListResponse implements AnomalyListView {
  @ApiProperty({ enum: ['open', 'all'] })
  state!: 'open' | 'all';

  @ApiProperty({ ...day('first day of the raising hours listed'), nullable: true })
  from!: string | null;

  @ApiProperty({ ...day('last day of the raising hours listed'), nullable: true })
  to!: string | null;

  @ApiProperty({ type: [AnomalyAlertResponse], description: 'newest raising hour first' })
  alerts!: AnomalyAlertResponse[];
}
