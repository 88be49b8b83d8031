import { AuthenticatedMember, CurrentMember, Public, RetryAfterInterceptor } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrorResponses } from '../openapi/error-responses';
import { TrackAcceptedDto, TrackBatchDto, TrackEventDto } from './track.dto';
import { TrackHandler } from './track.handler';

@ApiTags('track')
@ApiErrorResponses({
  400: 'a field missing, malformed or unknown (each named), a time too far ahead or back, or a batch of 0 or over 100',
  401: 'a bearer token was sent and is invalid, expired or revoked (anonymous is fine)',
  403: 'a customer tracking for another member (memberId must be the signed-in member)',
  429: 'rate limit of the visitor or of the client IP exceeded; see Retry-After',
  503: 'rate limiting unavailable (Redis); see Retry-After',
})
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
  @ApiAcceptedResponse({ type: TrackAcceptedDto, description: 'stored; published to storefront.behavior' })
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
  @ApiAcceptedResponse({
    type: TrackAcceptedDto,
    description: 'all stored; published to storefront.behavior',
  })
  trackBatch(
    @Body() body: TrackBatchDto,
    @Req() request: FastifyRequest,
    @CurrentMember() member: AuthenticatedMember | undefined,
    @RequestEventContext() context: EventContext,
  ): Promise<TrackAcceptedDto> {
    return this.handler.execute(body.events, { ip: request.ip, member }, context);
  }
}
