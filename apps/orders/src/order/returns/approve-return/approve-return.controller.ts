import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersQuery } from '../../read-model/orders.query';
import { ApproveReturnHandler } from './approve-return.handler';

@ApiTags('returns')
@ApiBearerAuth()
@Controller()
export class ApproveReturnController {
  constructor(
    private readonly handler: ApproveReturnHandler,
    private readonly query: OrdersQuery,
  ) {}

  @Post('returns/:id/approve')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'REQUESTED -> APPROVED (operator)' })
  async approve(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @RequestEventContext() context: EventContext,
  ) {
    await this.handler.execute(id, context);
    return this.query.getReturn(member, id);
  }
}
