import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersQuery, OrderView } from '../../read-model/orders.query';
import { DeliverOrderHandler } from './deliver-order.handler';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class DeliverOrderController {
  constructor(
    private readonly handler: DeliverOrderHandler,
    private readonly query: OrdersQuery,
  ) {}

  @Post(':id/deliver')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Mark a SHIPPED order delivered (operator); the return window opens' })
  async deliver(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @RequestEventContext() context: EventContext,
  ): Promise<OrderView> {
    await this.handler.execute(id, context);
    return this.query.get(member, id);
  }
}
