import { RequireRole } from '@ecom/auth';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses, ApiOperatorRouteErrors } from '../openapi/error-responses';
import { StockHealthQueryDto, ValueAtRiskQueryDto } from './stock-health.dto';
import { StockHealthResponse, ValueAtRiskResponse } from './stock-health.responses';
import { StockHealthService } from './stock-health.service';

const X_CACHE = {
  'X-Cache': {
    description:
      'hit: served from the cache (computed since the read models last changed, at most ' +
      'ANALYTICS_CACHE_TTL_MS ago); miss: computed now',
    schema: { type: 'string', enum: ['hit', 'miss'] },
  },
};

/** Sell-through, stock age and near-expiry value at risk (docs/analytics.md), operator only. */
@ApiTags('analytics')
@ApiOperatorRouteErrors()
@RequireRole('operator')
@Controller('analytics/stock')
export class StockHealthController {
  constructor(private readonly service: StockHealthService) {}

  @Get('health')
  @ApiOperation({
    summary: 'Sell-through and stock age by band since receipt, per SKU and per category',
  })
  @ApiOkResponse({ type: StockHealthResponse, headers: X_CACHE, description: 'per SKU and per category' })
  @ApiErrorResponses({
    400: 'days not an integer in 1..366, a category not of 1-64 characters, or an unknown query parameter',
  })
  async health(
    @Query() query: StockHealthQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StockHealthResponse> {
    const cached = await this.service.health(query);
    void reply.header('x-cache', cached.hit ? 'hit' : 'miss');
    return cached.value;
  }

  @Get('value-at-risk')
  @ApiOperation({
    summary: 'Units in batches expiring soon, valued at cost (and price), per SKU, category and currency',
  })
  @ApiOkResponse({
    type: ValueAtRiskResponse,
    headers: X_CACHE,
    description: 'per SKU, category and currency',
  })
  @ApiErrorResponses({ 400: 'withinDays not an integer in 0..3650, or an unknown query parameter' })
  async valueAtRisk(
    @Query() query: ValueAtRiskQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ValueAtRiskResponse> {
    const cached = await this.service.valueAtRisk(query);
    void reply.header('x-cache', cached.hit ? 'hit' : 'miss');
    return cached.value;
  }
}
