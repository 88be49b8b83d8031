import { addDays, daysBetween, isDay } from '@ecom/analytics-read-models';
import { RequireRole } from '@ecom/auth';
import { InvalidCommandError } from '@ecom/event-sourcing';
import { applyDecorators, Controller, Type } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiOperatorRouteErrors } from '../openapi/error-responses';

/**
 * A controller of operator-only analytics routes under `path`, tagged analytics in OpenAPI with the
 * 401, 403 and 503 answers every such route has. (Listed in reverse: applied in the order the same
 * decorators stacked on a class would be, bottom first.)
 */
export const AnalyticsOperatorController = (path: string) =>
  applyDecorators(Controller(path), RequireRole('operator'), ApiOperatorRouteErrors(), ApiTags('analytics'));

/** An answer from QueryCache: `hit` when it came from Redis rather than computed now. */
export interface Cached<T> {
  value: T;
  hit: boolean;
}

/** The cached answer's value, with X-Cache saying where it came from. */
export function served<T>(reply: FastifyReply, cached: Cached<T>): T {
  void reply.header('x-cache', cached.hit ? 'hit' : 'miss');
  return cached.value;
}

/** A 200 answered from the short-lived Redis cache or computed now; X-Cache says which. */
export const cachedOk = (type: Type<unknown> | [Type<unknown>], description: string) =>
  ApiOkResponse({
    type,
    description,
    headers: {
      'X-Cache': {
        description:
          'hit: served from the cache (computed since the read models last changed, at most ' +
          'ANALYTICS_CACHE_TTL_MS ago); miss: computed now',
        schema: { type: 'string', enum: ['hit', 'miss'] },
      },
    },
  });

/** The 400 of a route with a from..to range of days (resolveDayRange's refusals). */
export const RANGE_ERROR =
  'a malformed day, from after to, a range over 366 days, or an unknown query parameter (each named)';

/** The longest range of days an answer covers: a leap year. */
export const MAX_RANGE_DAYS = 366;

/** A day, or a 400 naming the parameter; with `earliest`, days before it are refused too. */
export function checkDay(name: string, day: string, earliest?: string): void {
  if (!isDay(day)) throw new InvalidCommandError(`${name} is not a calendar day: ${day}`);
  if (earliest !== undefined && day < earliest)
    throw new InvalidCommandError(`${name} must be ${earliest} or later`);
}

/**
 * from/to as days: `to` defaults to `today`, `from` to `defaultDays` days back including `to`; both
 * calendar days (and not before `earliest` when given), from not after to, at most MAX_RANGE_DAYS.
 */
export function resolveDayRange(
  query: { from?: string; to?: string },
  today: string,
  defaultDays: number,
  earliest?: string,
): { from: string; to: string } {
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -(defaultDays - 1));
  checkDay('from', from, earliest);
  checkDay('to', to, earliest);
  if (from > to) throw new InvalidCommandError('from must not be after to');
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS)
    throw new InvalidCommandError(`a range covers at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}
