import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthenticatedMember, Role } from './roles';

export const IS_PUBLIC = 'auth:isPublic';
export const REQUIRED_ROLE = 'auth:requiredRole';

/** No token needed (a token, if sent, is still verified and made available). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * A public route that acts for the member when a token is sent (an anonymous visitor's or a member's
 * cart), documented in OpenAPI as bearer authentication OR none (`security: [{bearer: []}, {}]`).
 */
export const OptionalAuth = () => applyDecorators(Public(), ApiBearerAuth(), ApiSecurity({}));

/**
 * The least role that may call this route (admin includes operator, operator includes customer),
 * documented in OpenAPI as bearer-authenticated with its 401 and 403 answers.
 */
export const RequireRole = (role: Role) =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'no or invalid token' }),
    ApiForbiddenResponse({ description: `requires role ${role}` }),
  );

export const MEMBER_KEY = 'member';

/** The verified caller, or undefined on a public route called without a token. */
export const CurrentMember = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedMember | undefined => {
    if (context.getType() === 'rpc') {
      const metadataHolder = context.switchToRpc().getContext() as { [MEMBER_KEY]?: AuthenticatedMember };
      return metadataHolder[MEMBER_KEY];
    }
    return context.switchToHttp().getRequest()[MEMBER_KEY];
  },
);
