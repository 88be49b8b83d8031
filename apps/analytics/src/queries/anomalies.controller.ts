import { Get, Query, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses } from '../openapi/error-responses';
import { AnomaliesQueryDto } from './anomalies.dto';
import { AnalyticsOperatorController, cachedOk, RANGE_ERROR, served } from './cached-route';
import { AnomalyListResponse } from './anomalies.responses';
import { AnomaliesService } from './anomalies.service';

/** Anomaly alerts (docs/analytics.md, section Anomaly alerts). */
@AnalyticsOperatorController('analytics/anomalies')
export class AnomaliesController {
  constructor(private readonly service: AnomaliesService) {}

  @Get()
  @ApiOperation({
    summary:
      'Anomaly alerts, open or all: hourly GMV, conversion and payment success against the same hour of the ' +
      'previous weeks, refund rate per SKU, payment-failure bursts',
  })
  @cachedOk(AnomalyListResponse, 'the alerts, newest raising hour first')
  @ApiErrorResponses({ 400: `a state other than open or all, ${RANGE_ERROR}` })
  async list(
    @Query() query: AnomaliesQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AnomalyListResponse> {
    return served(reply, await this.service.list(query));
  }
}
