import { Get, Query, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses } from '../openapi/error-responses';
import { AnalyticsOperatorController, cachedOk, served } from './cached-route';
import { StockHealthQueryDto, ValueAtRiskQueryDto } from './stock-health.dto';
import { StockHealthResponse, ValueAtRiskResponse } from './stock-health.responses';
import { StockHealthService } from './stock-health.service';

/** Sell-through, stock age and near-expiry value at risk (docs/analytics.md), operator only. */
@AnalyticsOperatorController('analytics/stock')
export class StockHealthController {
  constructor(private readonly service: StockHealthService) {}

  @Get('health')
  @ApiOperation({
    summary: 'Sell-through and stock age by band since receipt, per SKU and per category',
  })
  @cachedOk(StockHealthResponse, 'per SKU and per category')
  @ApiErrorResponses({
    400: 'days not an integer in 1..366, a category not of 1-64 characters, or an unknown query parameter',
  })
  async health(
    @Query() query: StockHealthQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StockHealthResponse> {
    return served(reply, await this.service.health(query));
  }

  @Get('value-at-risk')
  @ApiOperation({
    summary: 'Units in batches expiring soon, valued at cost (and price), per SKU, category and currency',
  })
  @cachedOk(ValueAtRiskResponse, 'per SKU, category and currency')
  @ApiErrorResponses({ 400: 'withinDays not an integer in 0..3650, or an unknown query parameter' })
  async valueAtRisk(
    @Query() query: ValueAtRiskQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ValueAtRiskResponse> {
    return served(reply, await this.service.valueAtRisk(query));
  }
}
