import { AuthenticatedMember, CurrentMember, RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersQuery, ReturnView } from '../read-model/orders.query';
import { RejectReturnDto, RequestReturnDto } from './returns.dto';
import { ReturnsHandler } from './returns.handler';

@ApiTags('returns')
@ApiBearerAuth()
@Controller()
export class ReturnsController {
  constructor(
    private readonly handler: ReturnsHandler,
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
    const returnId = await this.handler.request(member, orderId, dto, context);
    return this.query.getReturn(member, returnId);
  }

  @Get('returns/:id')
  @ApiOperation({ summary: 'A return (its customer or an operator)' })
  get(@CurrentMember() member: AuthenticatedMember, @Param('id') id: string): Promise<ReturnView> {
    return this.query.getReturn(member, id);
  }

  @Post('returns/:id/approve')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'REQUESTED -> APPROVED (operator)' })
  async approve(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @RequestEventContext() context: EventContext,
  ) {
    await this.handler.approve(id, context);
    return this.query.getReturn(member, id);
  }

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
    await this.handler.reject(id, dto.reason, context);
    return this.query.getReturn(member, id);
  }

  @Post('returns/:id/receive')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'APPROVED -> RECEIVED (operator); inventory restocks the units' })
  async receive(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @RequestEventContext() context: EventContext,
  ) {
    await this.handler.receive(id, context);
    return this.query.getReturn(member, id);
  }

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
    await this.handler.refund(id, context);
    return this.query.getReturn(member, id);
  }
}
