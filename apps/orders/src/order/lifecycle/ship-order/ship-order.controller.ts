import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersQuery, OrderView } from '../../read-model/orders.query';
import { ShipOrderDto } from './ship-order.dto';
import { ShipOrderHandler } from './ship-order.handler';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class ShipOrderController {
  constructor(
    private readonly handler: ShipOrderHandler,
    private readonly query: OrdersQuery,
  ) {}

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
    await this.handler.execute(id, dto, context);
    return this.query.get(member, id);
  }
}
