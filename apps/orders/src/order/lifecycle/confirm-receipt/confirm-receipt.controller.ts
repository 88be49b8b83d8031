import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersQuery, OrderView } from '../../read-model/orders.query';
import { ConfirmReceiptHandler } from './confirm-receipt.handler';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class ConfirmReceiptController {
  constructor(
    private readonly handler: ConfirmReceiptHandler,
    private readonly query: OrdersQuery,
  ) {}

  @Post(':id/confirm-receipt')
  @HttpCode(200)
  @ApiOperation({ summary: 'The customer confirms receipt: DELIVERED -> COMPLETED' })
  async confirmReceipt(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @RequestEventContext() context: EventContext,
  ): Promise<OrderView> {
    await this.handler.execute(member, id, context);
    return this.query.get(member, id);
  }
}
