import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import { Controller, Get, Param, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { ORDER_STATUSES, OrderStatus } from '../domain/order.aggregate';
import { TooManyWatchersError } from '../watch-order/order-watchers';
import { GetOrderQueryDto, LONG_POLL_TIMEOUT_MS } from '../watch-order/watch-order.dto';
import { WatchOrderHandler } from '../watch-order/watch-order.handler';
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
  constructor(
    private readonly query: OrdersQuery,
    private readonly watch: WatchOrderHandler,
  ) {}

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
    description:
      'With `waitFor` this is a long poll: e.g. `?waitFor=CONFIRMED,REJECTED&timeoutMs=5000` answers as ' +
      'soon as the order is CONFIRMED or REJECTED (at once if it already is), else with its current ' +
      "state when timeoutMs passes. Unknown and other members' orders are 404 at once, before any wait.",
  })
  @ApiOkResponse({ description: 'The order (when waiting: in one of waitFor, or as it is at the timeout)' })
  @ApiBadRequestResponse({
    description: 'Bad waitFor or timeoutMs, timeoutMs without waitFor, or an unknown query parameter',
  })
  @ApiNotFoundResponse({ description: "Unknown order, or another member's" })
  @ApiServiceUnavailableResponse({
    description: 'Too many requests are waiting on this replica; retry after Retry-After seconds',
    headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', example: 1 } } },
  })
  async get(
    @CurrentMember() member: AuthenticatedMember,
    @Param('id') id: string,
    @Query() query: GetOrderQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderView> {
    if (!query.waitFor) return this.query.get(member, id);
    // The client hanging up frees its waiter at once instead of at the timeout.
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    try {
      return await this.watch.waitFor(member, id, {
        until: query.waitFor,
        timeoutMs: query.timeoutMs ?? LONG_POLL_TIMEOUT_MS.default,
        signal: gone.signal,
      });
    } catch (error) {
      if (error instanceof TooManyWatchersError) {
        void reply.header('retry-after', '1');
        throw new ServiceUnavailableException(error.message);
      }
      if (gone.signal.aborted) return undefined as never; // nobody to answer
      throw error;
    }
  }
}
