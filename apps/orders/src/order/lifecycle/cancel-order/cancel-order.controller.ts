import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PaymentErrorsFilter } from '../../payment/payment-errors.filter';
import { OrdersQuery, OrderView } from '../../read-model/orders.query';
import { CancelOrderDto } from './cancel-order.dto';
import { CancelOrderHandler } from './cancel-order.handler';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
@UseFilters(PaymentErrorsFilter)
export class CancelOrderController {
  constructor(
    private readonly handler: CancelOrderHandler,
    private readonly query: OrdersQuery,
  ) {}

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel an order (the customer their own, or an operator)',
    description:
      'CONFIRMED -> CANCELLED; PAID -> CANCELLED with a full refund. Stock is released by inventory. 409 otherwise.',
  })
  async cancel(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @Body() dto: CancelOrderDto,
    @RequestEventContext() context: EventContext,
  ): Promise<OrderView> {
    await this.handler.execute(member, id, dto, context);
    return this.query.get(member, id);
  }
}
