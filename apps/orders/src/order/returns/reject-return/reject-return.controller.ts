import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersQuery } from '../../read-model/orders.query';
import { RejectReturnDto } from './reject-return.dto';
import { RejectReturnHandler } from './reject-return.handler';

@ApiTags('returns')
@ApiBearerAuth()
@Controller()
export class RejectReturnController {
  constructor(
    private readonly handler: RejectReturnHandler,
    private readonly query: OrdersQuery,
  ) {}

  @Post('returns/:id/reject')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'REQUESTED -> REJECTED (operator)' })
  async reject(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @Body() dto: RejectReturnDto,
    @RequestEventContext() context: EventContext,
  ) {
    await this.handler.execute(id, dto, context);
    return this.query.getReturn(member, id);
  }
}
