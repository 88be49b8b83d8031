import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersQuery, ReturnView } from './orders.query';

@ApiTags('returns')
@ApiBearerAuth()
@Controller()
export class ReturnsQueryController {
  constructor(private readonly query: OrdersQuery) {}

  @Get('returns/:id')
  @ApiOperation({ summary: 'A return (its customer or an operator)' })
  get(@CurrentMember() member: AuthenticatedMember, @Param('id') id: string): Promise<ReturnView> {
    return this.query.getReturn(member, id);
  }
}
