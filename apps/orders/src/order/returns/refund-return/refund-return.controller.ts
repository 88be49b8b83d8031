import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Controller, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PaymentErrorsFilter } from '../../payment/payment-errors.filter';
import { OrdersQuery } from '../../read-model/orders.query';
import { RefundReturnHandler } from './refund-return.handler';

@ApiTags('returns')
@ApiBearerAuth()
@Controller()
@UseFilters(PaymentErrorsFilter)
export class RefundReturnController {
  constructor(
    private readonly handler: RefundReturnHandler,
    private readonly query: OrdersQuery,
  ) {}

  @Post('returns/:id/refund')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({
    summary: 'RECEIVED -> REFUNDED (operator): the return value goes back through the payment gateway',
  })
  async refund(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @RequestEventContext() context: EventContext,
  ) {
    await this.handler.execute(id, context);
    return this.query.getReturn(member, id);
  }
}
