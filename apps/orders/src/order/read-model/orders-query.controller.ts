import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ORDER_STATUSES, OrderStatus } from '../domain/order.aggregate';
import { OrdersQuery, OrderView } from './orders.query';

export class ListOrdersQueryDto {
  @ApiPropertyOptional({ description: 'operators only: orders of this member' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  memberId?: string;

  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersQueryController {
  constructor(private readonly query: OrdersQuery) {}

  @Get()
  @ApiOperation({
    summary: 'Own orders (newest first); operators may filter by memberId and status. Cursor paging.',
  })
  list(@CurrentMember() member: AuthenticatedMember, @Query() filter: ListOrdersQueryDto) {
    return this.query.list(member, filter);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'An order with its status history (a customer sees only their own: 404 otherwise)',
  })
  get(@CurrentMember() member: AuthenticatedMember, @Param('id') id: string): Promise<OrderView> {
    return this.query.get(member, id);
  }
}
