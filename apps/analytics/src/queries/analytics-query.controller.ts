import { Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses } from '../openapi/error-responses';
import { AnalyticsQueryService } from './analytics-query.service';
import { AnalyticsOperatorController, cachedOk, RANGE_ERROR, served } from './cached-route';
import { FunnelResponse } from './funnel.responses';
import { MatrixResponse } from './matrix.responses';
import {
  FunnelQueryDto,
  MatrixQueryDto,
  RfmListQueryDto,
  SalesQueryDto,
  StockWarningsQueryDto,
} from './query.dto';
import {
  RfmMemberListResponse,
  RfmMemberResponse,
  RfmRunSummaryResponse,
  RfmSegmentsResponse,
} from './rfm.responses';
import { SalesResponse } from './sales.responses';
import { StockWarningResponse } from './stock-warnings.responses';

/** The operator-only analytics API (docs/contract.md section 5, analytics). */
@AnalyticsOperatorController('analytics')
export class AnalyticsQueryController {
  constructor(private readonly service: AnalyticsQueryService) {}

  @Get('rfm/segments')
  @ApiOperation({
    summary: 'Members per RFM segment (live, against the cut points of the last recomputation)',
  })
  @cachedOk(RfmSegmentsResponse, 'scored members per segment')
  async rfmSegments(@Res({ passthrough: true }) reply: FastifyReply): Promise<RfmSegmentsResponse> {
    return served(reply, await this.service.rfmSegments());
  }

  @Get('rfm')
  @ApiOperation({ summary: 'Scored members, best monetary first; filter by segment and sleeping' })
  @cachedOk(RfmMemberListResponse, 'a page of scored members')
  @ApiErrorResponses({
    400: 'an unknown segment, a limit or offset out of range, or an unknown query parameter',
  })
  async rfm(
    @Query() query: RfmListQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RfmMemberListResponse> {
    return served(reply, await this.service.rfmMembers(query));
  }

  @Get('rfm/members/:memberId')
  @ApiOperation({ summary: "One member's recency, frequency, monetary, scores, segment and sleeping flag" })
  @ApiOkResponse({
    type: RfmMemberResponse,
    description: 'the scored member, or raw values while not scored yet',
  })
  @ApiErrorResponses({
    400: 'a member id with a NUL character or an unpaired surrogate',
    404: 'the member has no paid order (RFM_MEMBER_NOT_FOUND)',
  })
  rfmMember(@Param('memberId') memberId: string): Promise<RfmMemberResponse> {
    return this.service.rfmMember(memberId);
  }

  @Post('rfm/recompute')
  @HttpCode(200)
  @ApiOperation({ summary: 'Recompute every RFM score now (also done on a schedule)' })
  @ApiOkResponse({ type: RfmRunSummaryResponse, description: 'the recomputation done' })
  recompute(): Promise<RfmRunSummaryResponse> {
    return this.service.recomputeRfm();
  }

  @Get('funnel')
  @ApiOperation({
    summary: 'visit -> product_view -> add_to_cart -> order_placed -> order_paid, per day and channel',
  })
  @cachedOk(FunnelResponse, 'the funnel over the range, per day and per first-touch channel')
  @ApiErrorResponses({ 400: `${RANGE_ERROR}; a malformed channel` })
  async funnel(
    @Query() query: FunnelQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FunnelResponse> {
    return served(reply, await this.service.funnel(query));
  }

  @Get('stock-warnings')
  @ApiOperation({ summary: 'Active stock warnings, by type, SKU and warehouse' })
  @cachedOk([StockWarningResponse], 'the active warnings (not those an operator cleared)')
  @ApiErrorResponses({
    400: 'an unknown warning type, a malformed SKU or warehouse, or an unknown query parameter',
  })
  async stockWarnings(
    @Query() query: StockWarningsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StockWarningResponse[]> {
    return served(reply, await this.service.stockWarnings(query));
  }

  @Get('sales')
  @ApiOperation({ summary: 'Daily GMV, orders, paying members, AOV, UV, conversion, refunds and returns' })
  @cachedOk(SalesResponse, 'the figures over the range and per day')
  @ApiErrorResponses({ 400: `${RANGE_ERROR}; a granularity other than day or a malformed currency` })
  async sales(
    @Query() query: SalesQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SalesResponse> {
    return served(reply, await this.service.sales(query));
  }

  @Get('products/matrix')
  @ApiOperation({ summary: 'SKUs by units sold and gross margin: star, traffic, profit, slow' })
  @cachedOk(MatrixResponse, 'the SKUs with their quadrant and the medians')
  @ApiErrorResponses({ 400: `${RANGE_ERROR}; a malformed currency` })
  async matrix(
    @Query() query: MatrixQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MatrixResponse> {
    return served(reply, await this.service.productMatrix(query));
  }
}
