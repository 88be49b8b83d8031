import { Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses } from '../openapi/error-responses';
import { AnalyticsOperatorController, cachedOk, served } from './cached-route';
import { CopurchaseQueryDto, CopurchaseSkuParams } from './copurchase.dto';
import { CopurchasePairsResponse, CopurchaseSkuResponse } from './copurchase.responses';
import { CopurchaseService } from './copurchase.service';

/** Co-purchase associations, "bought together" (docs/analytics.md, section Co-purchase). */
@AnalyticsOperatorController('analytics/co-purchase')
export class CopurchaseController {
  constructor(private readonly service: CopurchaseService) {}

  @Get()
  @ApiOperation({ summary: 'SKU pairs most often bought together in paid orders, by lift' })
  @cachedOk(CopurchasePairsResponse, 'the top pairs')
  @ApiErrorResponses({ 400: 'a limit out of 1..100 or an unknown query parameter' })
  async pairs(
    @Query() query: CopurchaseQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CopurchasePairsResponse> {
    return served(reply, await this.service.pairs(query.limit));
  }

  @Get(':sku')
  @ApiOperation({ summary: "A SKU's partners bought together with it in paid orders, by lift" })
  @cachedOk(CopurchaseSkuResponse, 'the top partners (none for a SKU in no counted order)')
  @ApiErrorResponses({
    400: 'a SKU over 64 characters, a limit out of 1..100 or an unknown query parameter',
  })
  async partners(
    @Param() params: CopurchaseSkuParams,
    @Query() query: CopurchaseQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CopurchaseSkuResponse> {
    return served(reply, await this.service.partners(params.sku, query.limit));
  }
}
