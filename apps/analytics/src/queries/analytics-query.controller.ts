import { RequireRole } from '@ecom/auth';
import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AnalyticsQueryService, Cached } from './analytics-query.service';
import {
  FunnelQueryDto,
  MatrixQueryDto,
  RfmListQueryDto,
  SalesQueryDto,
  StockWarningsQueryDto,
} from './query.dto';

function served<T>(reply: FastifyReply, cached: Cached<T>): T {
  void reply.header('x-cache', cached.hit ? 'hit' : 'miss');
  return cached.value;
}

/** The operator-only analytics API (docs/contract.md section 5, analytics). */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no or invalid token' })
@ApiForbiddenResponse({ description: 'requires role operator' })
@RequireRole('operator')
@Controller('analytics')
export class AnalyticsQueryController {
  constructor(private readonly service: AnalyticsQueryService) {}

  @Get('rfm/segments')
  @ApiOperation({ summary: 'Members per RFM segment (last recomputation)' })
  async rfmSegments(@Res({ passthrough: true }) reply: FastifyReply) {
    return served(reply, await this.service.rfmSegments());
  }

  @Get('rfm')
  @ApiOperation({ summary: 'Scored members, best monetary first; filter by segment and sleeping' })
  async rfm(@Query() query: RfmListQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return served(reply, await this.service.rfmMembers(query));
  }

  @Get('rfm/members/:memberId')
  @ApiOperation({ summary: "One member's recency, frequency, monetary, scores, segment and sleeping flag" })
  rfmMember(@Param('memberId') memberId: string) {
    return this.service.rfmMember(memberId);
  }

  @Post('rfm/recompute')
  @HttpCode(200)
  @ApiOperation({ summary: 'Recompute every RFM score now (also done on a schedule)' })
  recompute() {
    return this.service.recomputeRfm();
  }

  @Get('funnel')
  @ApiOperation({
    summary: 'visit -> product_view -> add_to_cart -> order_placed -> order_paid, per day and channel',
  })
  async funnel(@Query() query: FunnelQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return served(reply, await this.service.funnel(query));
  }

  @Get('stock-warnings')
  @ApiOperation({ summary: 'Active stock warnings' })
  async stockWarnings(
    @Query() query: StockWarningsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return served(reply, await this.service.stockWarnings(query));
  }

  @Get('sales')
  @ApiOperation({ summary: 'Daily GMV, orders, paying members, AOV, UV, conversion, refunds and returns' })
  async sales(@Query() query: SalesQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return served(reply, await this.service.sales(query));
  }

  @Get('products/matrix')
  @ApiOperation({ summary: 'SKUs by units sold and gross margin: star, traffic, profit, slow' })
  async matrix(@Query() query: MatrixQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return served(reply, await this.service.productMatrix(query));
  }
}
