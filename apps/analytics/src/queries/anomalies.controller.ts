import { RequireRole } from '@ecom/auth';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses, ApiOperatorRouteErrors } from '../openapi/error-responses';
import { AnomaliesQueryDto } from './anomalies.dto';
import { AnomalyListResponse } from './anomalies.responses';
import { AnomaliesService } from './anomalies.service';

/** Anomaly alerts (docs/analytics.md, section Anomaly alerts). */
@ApiTags('analytics')
@ApiOperatorRouteErrors()
@RequireRole('operator')
@Controller('analytics/anomalies')
export class AnomaliesController {
  constructor(private readonly service: AnomaliesService) {}

  @Get()
  @ApiOperation({
    summary:
      'Anomaly alerts, open or all: hourly GMV, conversion and payment success against the same hour of the ' +
      'previous weeks, refund rate per SKU, payment-failure bursts',
  })
  @ApiOkResponse({
    type: AnomalyListResponse,
    description: 'the alerts, newest raising hour first',
    headers: {
      'X-Cache': {
        description:
          'hit: served from the cache (computed since the read models last changed, at most ' +
          'ANALYTICS_CACHE_TTL_MS ago); miss: computed now',
        schema: { type: 'string', enum: ['hit', 'miss'] },
      },
    },
  })
  @ApiErrorResponses({
    400: 'a state other than open or all, a malformed day, from after to, a range over 366 days, or an unknown query parameter (each named)',
  })
  async list(
    @Query() query: AnomaliesQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AnomalyListResponse> {
    const cached = await this.service.list(query);
    void reply.header('x-cache', cached.hit ? 'hit' : 'miss');
    return cached.value;
  }
}
