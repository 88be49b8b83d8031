import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { PaymentErrorsFilter } from '../payment-errors.filter';
import { PayOrderDto, PaymentResponse } from './pay-order.dto';
import { PayOrderHandler } from './pay-order.handler';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
@UseFilters(PaymentErrorsFilter)
export class PayOrderController {
  constructor(private readonly handler: PayOrderHandler) {}

  @Post(':id/payments')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Pay a CONFIRMED order',
    description:
      'The amount must equal the order total (else 422). A declined payment answers 402 and publishes PaymentFailed; ' +
      'the order stays CONFIRMED until paid or cancelled by the payment timeout.',
  })
  @ApiCreatedResponse({ type: PaymentResponse })
  @ApiServiceUnavailableResponse({
    description:
      'the payment gateway cannot be reached; the order was left as it was (nothing charged twice on a ' +
      'retry); retry after Retry-After',
    headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', example: 1 } } },
  })
  pay(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @Body() dto: PayOrderDto,
    @RequestEventContext() context: EventContext,
  ): Promise<PaymentResponse> {
    return this.handler.execute(member, id, dto, context);
  }
}
