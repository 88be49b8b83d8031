import { Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses } from '../openapi/error-responses';
import { AnalyticsOperatorController, cachedOk, RANGE_ERROR, served } from './cached-route';
import { ExperimentListQueryDto, ExperimentParamsDto, ExperimentQueryDto } from './experiments.dto';
import { ExperimentListResponse, ExperimentResponse } from './experiments.responses';
import { ExperimentsService } from './experiments.service';

/** A/B test readouts (docs/analytics.md, "A/B test readouts"), operator only. */
@AnalyticsOperatorController('analytics/experiments')
export class ExperimentsController {
  constructor(private readonly service: ExperimentsService) {}

  @Get()
  @ApiOperation({ summary: 'Experiments seen, with their variants and exposed visitors' })
  @cachedOk(ExperimentListResponse, 'every experiment key seen')
  @ApiErrorResponses({ 400: RANGE_ERROR })
  async list(
    @Query() query: ExperimentListQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExperimentListResponse> {
    return served(reply, await this.service.list(query));
  }

  @Get(':key')
  @ApiOperation({
    summary:
      'Per variant visitors, conversion, AOV and revenue per visitor; each variant against the control ' +
      '(difference, 95% interval, two-proportion z-test, sample size check)',
  })
  @cachedOk(ExperimentResponse, 'the readout over the range')
  @ApiErrorResponses({
    400: `a malformed key or control, a control that is not a variant (CONTROL_NOT_A_VARIANT), a malformed currency; ${RANGE_ERROR}`,
    404: 'no visitor was ever exposed to the experiment (EXPERIMENT_NOT_FOUND)',
  })
  async readout(
    @Param() params: ExperimentParamsDto,
    @Query() query: ExperimentQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ExperimentResponse> {
    return served(reply, await this.service.readout(params.key, query));
  }
}
