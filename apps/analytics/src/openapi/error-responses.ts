import type { ErrorBody } from '@ecom/platform';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import type { Expect, SameShape } from './same-shape';

/** The platform's error answer (DomainErrorFilter's ErrorBody), as an OpenAPI schema. */
export class ErrorBodyResponse implements ErrorBody {
  @ApiProperty({ type: 'integer', example: 400, description: 'the HTTP status of the answer' })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request', description: "the status's reason phrase" })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['from must be a day as YYYY-MM-DD'],
    description: 'what was wrong; a refused request body or query lists one message per field, naming it',
  })
  message!: string | string[];

  @ApiPropertyOptional({
    example: 'RFM_MEMBER_NOT_FOUND',
    description: 'a machine-readable reason, where the route names one',
  })
  code?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'facts about the refusal, where the route gives them',
  })
  details?: Record<string, unknown>;
}

export type ErrorBodyResponseMatchesErrorBody = Expect<SameShape<ErrorBodyResponse, ErrorBody>>;

type ErrorStatus = 400 | 401 | 403 | 404 | 429 | 503;

const RETRY_AFTER = {
  'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' } },
};

/**
 * The error answers of a route (or of every route of a controller), each with the platform's error
 * body and what it means there; 429 and 503 also carry Retry-After.
 */
export function ApiErrorResponses(
  errors: Partial<Record<ErrorStatus, string>>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        type: ErrorBodyResponse,
        ...(status === '429' || status === '503' ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
}

/**
 * The error answers of every operator-only route: 401 and 403 with the error body (RequireRole
 * describes them: no or invalid token, requires the role) and 503 while Redis cannot say whether the
 * token was revoked.
 */
export function ApiOperatorRouteErrors(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiResponse({ status: 401, type: ErrorBodyResponse }),
    ApiResponse({ status: 403, type: ErrorBodyResponse }),
    ApiErrorResponses({ 503: 'the token revocation check (Redis) is unavailable; see Retry-After' }),
  );
}
