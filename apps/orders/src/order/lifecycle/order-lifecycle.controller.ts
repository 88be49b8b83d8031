import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersQuery, OrderView } from '../read-model/orders.query';
import { CancelOrderDto, ShipOrderDto } from './order-lifecycle.dto';
import { OrderLifecycleHandler } from './order-lifecycle.handler';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrderLifecycleController {
  constructor(
    private readonly handler: OrderLifecycleHandler,
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
    await this.handler.cancel(member, id, dto.reason ?? null, context);
    return this.query.get(member, id);
  }

  @Post(':id/shipments')
  @HttpCode(201)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Ship a PAID order (operator); 409 in any other state' })
  async ship(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @Body() dto: ShipOrderDto,
    @RequestEventContext() context: EventContext,
  ): Promise<OrderView> {
    await this.handler.ship(id, dto.carrier, dto.trackingNo, context);
    return this.query.get(member, id);
  }

  @Post(':id/deliver')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Mark a SHIPPED order delivered (operator); the return window opens' })
  async deliver(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @RequestEventContext() context: EventContext,
  ): Promise<OrderView> {
    await this.handler.deliver(id, context);
    return this.query.get(member, id);
  }

  @Post(':id/confirm-receipt')
  @HttpCode(200)
  @ApiOperation({ summary: 'The customer confirms receipt: DELIVERED -> COMPLETED' })
  async confirmReceipt(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @RequestEventContext() context: EventContext,
  ): Promise<OrderView> {
    await this.handler.confirmReceipt(member, id, context);
    return this.query.get(member, id);
  }
}
