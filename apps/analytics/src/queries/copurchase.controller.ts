import { RequireRole } from '@ecom/auth';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses, ApiOperatorRouteErrors } from '../openapi/error-responses';
import { CopurchaseQueryDto, CopurchaseSkuParams } from './copurchase.dto';
import { CopurchasePairsResponse, CopurchaseSkuResponse } from './copurchase.responses';
import { CopurchaseService } from './copurchase.service';

const X_CACHE = {
  'X-Cache': {
    description:
      'hit: served from the cache (computed since the read models last changed, at most ' +
      'ANALYTICS_CACHE_TTL_MS ago); miss: computed now',
    schema: { type: 'string', enum: ['hit', 'miss'] },
  },
};

/** Co-purchase associations, "bought together" (docs/analytics.md, section Co-purchase). */
@ApiTags('analytics')
@ApiOperatorRouteErrors()
@RequireRole('operator')
@Controller('analytics/co-purchase')
export class CopurchaseController {
  constructor(private readonly service: CopurchaseService) {}

  @Get()
  @ApiOperation({ summary: 'SKU pairs most often bought together in paid orders, by lift' })
  @ApiOkResponse({ type: CopurchasePairsResponse, description: 'the top pairs', headers: X_CACHE })
  @ApiErrorResponses({ 400: 'a limit out of 1..100 or an unknown query parameter' })
  async pairs(
    @Query() query: CopurchaseQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CopurchasePairsResponse> {
    const cached = await this.service.pairs(query.limit);
    void reply.header('x-cache', cached.hit ? 'hit' : 'miss');
    return cached.value;
  }

  @Get(':sku')
  @ApiOperation({ summary: "A SKU's partners bought together with it in paid orders, by lift" })
  @ApiOkResponse({
    type: CopurchaseSkuResponse,
    description: 'the top partners (none for a SKU in no counted order)',
    headers: X_CACHE,
  })
  @ApiErrorResponses({
    400: 'a SKU over 64 characters, a limit out of 1..100 or an unknown query parameter',
  })
  async partners(
    @Param() params: CopurchaseSkuParams,
    @Query() query: CopurchaseQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CopurchaseSkuResponse> {
    const cached = await this.service.partners(params.sku, query.limit);
    void reply.header('x-cache', cached.hit ? 'hit' : 'miss');
    return cached.value;
  }
}
