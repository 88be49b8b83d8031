import {
  RefundFigures,
  ReturnFigures,
  ReturnReasonFigures,
  SalesDayView,
  SalesFigures,
  SalesView,
} from '@ecom/analytics-read-models';
import { RETURN_REASONS, type ReturnReasonCode } from '@ecom/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { count, currency, day, money, ratio } from '../openapi/properties';
import type { Expect, SameShape } from '../openapi/same-shape';

export class ReturnReasonFiguresResponse implements ReturnReasonFigures {
  @ApiProperty(count('return requests with this reason'))
  count!: number;

  @ApiProperty(ratio('count / ordersPaid of the same day or range', false))
  rate!: number | null;
}

/** One property per return reason: the schema lists each, so a client need not guess the keys. */
export class ReturnsByReasonResponse implements Record<ReturnReasonCode, ReturnReasonFigures> {
  @ApiProperty({ type: ReturnReasonFiguresResponse }) SIZE_MISMATCH!: ReturnReasonFiguresResponse;
  @ApiProperty({ type: ReturnReasonFiguresResponse }) QUALITY!: ReturnReasonFiguresResponse;
  @ApiProperty({ type: ReturnReasonFiguresResponse }) DAMAGED_IN_TRANSIT!: ReturnReasonFiguresResponse;
  @ApiProperty({ type: ReturnReasonFiguresResponse }) NOT_AS_DESCRIBED!: ReturnReasonFiguresResponse;
  @ApiProperty({ type: ReturnReasonFiguresResponse }) OTHER!: ReturnReasonFiguresResponse;
}

export class RefundFiguresResponse implements RefundFigures {
  @ApiProperty(count('refunds issued'))
  count!: number;

  @ApiProperty(money('amount refunded'))
  amount!: number;
}

export class ReturnFiguresResponse implements ReturnFigures {
  @ApiProperty(count('return requests made, not rejected'))
  requested!: number;

  @ApiProperty(
    ratio('requested / ordersPaid of the same day or range (returns may be of older orders)', false),
  )
  rate!: number | null;

  @ApiProperty({ type: ReturnsByReasonResponse, description: `per reason: ${RETURN_REASONS.join(', ')}` })
  byReason!: ReturnsByReasonResponse;

  @ApiProperty(
    count(
      'orders paid that day (or in the range) with a return request not rejected, whenever requested: ' +
        'still rising for recent days',
    ),
  )
  ordersReturned!: number;

  @ApiProperty(
    ratio('ordersReturned / ordersPaid: the share of one cohort of paid orders returned so far', true),
  )
  cohortRate!: number | null;
}

export class SalesFiguresResponse implements SalesFigures {
  @ApiProperty(money('gross merchandise value: the amounts paid (OrderPaid, imported orders by paidAt)'))
  gmv!: number;

  @ApiProperty(
    money(
      'gmv net of refunds: minus what has been refunded so far on the orders paid that day (or in the range), ' +
        'whenever refunded; still falling for recent days',
    ),
  )
  netGmv!: number;

  @ApiProperty(count('orders placed'))
  ordersPlaced!: number;

  @ApiProperty(count('orders paid'))
  ordersPaid!: number;

  @ApiProperty(count('distinct members who paid'))
  payingMembers!: number;

  @ApiProperty(money('gmv / ordersPaid, rounded; null without paid orders', true))
  averageOrderValue!: number | null;

  @ApiProperty(
    count(
      'unique visitors: distinct visitors with storefront behaviour (page view, product view, search); ' +
        'visitors known only from carts or orders are not in it',
    ),
  )
  uv!: number;

  @ApiProperty(count('of the uv visitors, those who paid an order that day (over the range: in the range)'))
  payingVisitors!: number;

  @ApiProperty(ratio('payingVisitors / uv, at most 1', true))
  conversion!: number | null;

  @ApiProperty({ type: RefundFiguresResponse, description: 'by the day they were issued' })
  refunds!: RefundFiguresResponse;

  @ApiProperty({ type: ReturnFiguresResponse, description: 'by the day they were requested' })
  returns!: ReturnFiguresResponse;
}

export class SalesDayResponse extends SalesFiguresResponse implements SalesDayView {
  @ApiProperty(day('the day'))
  day!: string;
}

export class SalesResponse implements SalesView {
  @ApiProperty(day('first day of the range, included'))
  from!: string;

  @ApiProperty(day('last day of the range, included'))
  to!: string;

  @ApiProperty({ enum: ['day'] })
  granularity!: 'day';

  @ApiProperty(currency('the currency of every money figure'))
  currency!: string;

  @ApiProperty({ example: 'Asia/Shanghai', description: 'ANALYTICS_TZ, the time zone of the days (IANA)' })
  timeZone!: string;

  @ApiProperty({
    type: SalesFiguresResponse,
    description: 'over the whole range; members and visitors are distinct over the range',
  })
  totals!: SalesFiguresResponse;

  @ApiProperty({ type: [SalesDayResponse], description: 'every day of the range, oldest first' })
  days!: SalesDayResponse[];
}

export type SalesResponseMatchesView = Expect<SameShape<SalesResponse, SalesView>>;
