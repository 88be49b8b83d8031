import { AuthenticatedMember, CurrentMember, Public, RetryAfterInterceptor } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Post, Req, UseInterceptors } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { TrackAcceptedDto, TrackBatchDto, TrackEventDto } from './track.dto';
import { TrackHandler } from './track.handler';

@ApiTags('track')
@Public()
@UseInterceptors(RetryAfterInterceptor)
@Controller('track')
export class TrackController {
  constructor(private readonly handler: TrackHandler) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Record one storefront behaviour event (anonymous, rate limited per visitor and IP)',
  })
  @ApiAcceptedResponse({ type: TrackAcceptedDto })
  @ApiTooManyRequestsResponse({ description: 'rate limit exceeded; see Retry-After' })
  @ApiServiceUnavailableResponse({ description: 'rate limiting unavailable (Redis); see Retry-After' })
  track(
    @Body() body: TrackEventDto,
    @Req() request: FastifyRequest,
    @CurrentMember() member: AuthenticatedMember | undefined,
    @RequestEventContext() context: EventContext,
  ): Promise<TrackAcceptedDto> {
    return this.handler.execute([body], { ip: request.ip, member }, context);
  }

  @Post('batch')
  @HttpCode(202)
  @ApiOperation({ summary: 'Record up to 100 behaviour events at once (all accepted or none)' })
  @ApiAcceptedResponse({ type: TrackAcceptedDto })
  @ApiTooManyRequestsResponse({ description: 'rate limit exceeded; see Retry-After' })
  @ApiServiceUnavailableResponse({ description: 'rate limiting unavailable (Redis); see Retry-After' })
  trackBatch(
    @Body() body: TrackBatchDto,
    @Req() request: FastifyRequest,
    @CurrentMember() member: AuthenticatedMember | undefined,
    @RequestEventContext() context: EventContext,
  ): Promise<TrackAcceptedDto> {
    return this.handler.execute(body.events, { ip: request.ip, member }, context);
  }
}
