import { AuthenticatedMember, CurrentMember, RetryAfterInterceptor } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Headers, HttpCode, Post, Res, UseInterceptors } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiHeader,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PlaceOrderDto, PlaceOrderResponse } from './place-order.dto';
import { PlaceOrderHandler } from './place-order.handler';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class PlaceOrderController {
  constructor(private readonly handler: PlaceOrderHandler) {}

  @Post()
  @HttpCode(202)
  @UseInterceptors(RetryAfterInterceptor)
  @ApiOperation({
    summary: 'Place an order (checkout)',
    description:
      'Prices come from the orders price read model; a price in the body is refused (400). Answers 202 PENDING at ' +
      'once; inventory reserves the stock and the order becomes CONFIRMED or REJECTED. With an Idempotency-Key, ' +
      'the same key and body from the same member returns the same answer and creates one order (also when ' +
      'the requests are concurrent; header Idempotent-Replayed: true on a replay); the same key with a different ' +
      'body is refused with 422 IDEMPOTENCY_KEY_REUSED. Keys are kept for 24 hours. Checkouts are rate limited ' +
      'per member and per visitor (429 with Retry-After), and a member may hold a limited number of unpaid ' +
      '(PENDING or CONFIRMED) orders (409 TOO_MANY_UNPAID_ORDERS: pay or cancel one first).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiAcceptedResponse({ type: PlaceOrderResponse })
  @ApiConflictResponse({
    description:
      'TOO_MANY_UNPAID_ORDERS: the member holds the maximum number of unpaid orders; or IDEMPOTENCY_KEY_IN_PROGRESS',
  })
  @ApiTooManyRequestsResponse({
    description: 'the member or the visitor placed orders too fast; retry after Retry-After seconds',
    headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', example: 1 } } },
  })
  @ApiServiceUnavailableResponse({
    description: 'the limit store (Redis) cannot be reached; nothing was placed; retry after Retry-After',
    headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', example: 1 } } },
  })
  async place(
    @CurrentMember() member: AuthenticatedMember,
    @Body() dto: PlaceOrderDto,
    @RequestEventContext() context: EventContext,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlaceOrderResponse> {
    const outcome = await this.handler.execute(member, dto, context, idempotencyKey);
    if (outcome.replayed) void reply.header('idempotent-replayed', 'true');
    void reply.status(outcome.status);
    return outcome.body;
  }
}
