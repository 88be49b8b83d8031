import { Get, Query, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses } from '../openapi/error-responses';
import { AnalyticsOperatorController, cachedOk, RANGE_ERROR, served } from './cached-route';
import {
  CohortsQueryDto,
  LifecycleMembersQueryDto,
  LifecycleQueryDto,
  RepurchaseQueryDto,
} from './lifecycle.dto';
import {
  CohortsResponse,
  LifecycleMemberPageResponse,
  LifecycleResponse,
  RepurchaseResponse,
} from './lifecycle.responses';
import { LifecycleService } from './lifecycle.service';

/** Lifecycle stages, repurchase per category and monthly cohort retention (docs/analytics.md), operator only. */
@AnalyticsOperatorController('analytics')
export class LifecycleController {
  constructor(private readonly service: LifecycleService) {}

  @Get('lifecycle')
  @ApiOperation({ summary: 'Members per lifecycle stage (new, active, at_risk, sleeping, lost) as of a day' })
  @cachedOk(LifecycleResponse, 'the counts per stage')
  @ApiErrorResponses({ 400: 'asOf not a calendar day, or an unknown query parameter' })
  async lifecycle(
    @Query() query: LifecycleQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LifecycleResponse> {
    return served(reply, await this.service.stages(query));
  }

  @Get('lifecycle/members')
  @ApiOperation({
    summary: 'Members with their lifecycle stage, most recent last order first; filter by stage',
  })
  @cachedOk(LifecycleMemberPageResponse, 'a page of members')
  @ApiErrorResponses({
    400: 'an unknown stage, asOf not a calendar day, a limit or offset out of range, or an unknown query parameter',
  })
  async members(
    @Query() query: LifecycleMembersQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LifecycleMemberPageResponse> {
    return served(reply, await this.service.members(query));
  }

  @Get('repurchase')
  @ApiOperation({
    summary: 'Per category: repurchase rate and median days between orders, over a range of days',
  })
  @cachedOk(RepurchaseResponse, 'every category with a buyer')
  @ApiErrorResponses({ 400: RANGE_ERROR })
  async repurchase(
    @Query() query: RepurchaseQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RepurchaseResponse> {
    return served(reply, await this.service.repurchase(query));
  }

  @Get('cohorts')
  @ApiOperation({
    summary: 'Monthly cohorts by first paid order, and the share who paid again in each following month',
  })
  @cachedOk(CohortsResponse, 'every cohort month from..to')
  @ApiErrorResponses({
    400: 'a malformed month, from after to, over 36 months, months out of 1..36, or an unknown query parameter',
  })
  async cohorts(
    @Query() query: CohortsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CohortsResponse> {
    return served(reply, await this.service.cohorts(query));
  }
}
