import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersQuery, ReturnView } from '../../read-model/orders.query';
import { RequestReturnDto } from './request-return.dto';
import { RequestReturnHandler } from './request-return.handler';

@ApiTags('returns')
@ApiBearerAuth()
@Controller()
export class RequestReturnController {
  constructor(
    private readonly handler: RequestReturnHandler,
    private readonly query: OrdersQuery,
  ) {}

  @Post('orders/:id/returns')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Request a return of lines of a DELIVERED or COMPLETED order (the customer)',
    description:
      'Reasons: SIZE_MISMATCH, QUALITY, DAMAGED_IN_TRANSIT, NOT_AS_DESCRIBED, OTHER. The note never leaves the orders database.',
  })
  async request(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') orderId: string,
    @Body() dto: RequestReturnDto,
    @RequestEventContext() context: EventContext,
  ): Promise<ReturnView> {
    const returnId = await this.handler.execute(member, orderId, dto, context);
    return this.query.getReturn(member, returnId);
  }
}
