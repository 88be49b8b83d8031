import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersQuery } from '../../read-model/orders.query';
import { ReceiveReturnHandler } from './receive-return.handler';

@ApiTags('returns')
@ApiBearerAuth()
@Controller()
export class ReceiveReturnController {
  constructor(
    private readonly handler: ReceiveReturnHandler,
    private readonly query: OrdersQuery,
  ) {}

  @Post('returns/:id/receive')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'APPROVED -> RECEIVED (operator); inventory restocks the units' })
  async receive(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @RequestEventContext() context: EventContext,
  ) {
    await this.handler.execute(id, context);
    return this.query.getReturn(member, id);
  }
}
