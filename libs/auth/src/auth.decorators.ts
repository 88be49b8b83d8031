import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { AuthenticatedMember, Role } from './roles';

export const IS_PUBLIC = 'auth:isPublic';
export const REQUIRED_ROLE = 'auth:requiredRole';

/** No token needed (a token, if sent, is still verified and made available). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The least role that may call this route; admin includes operator, operator includes customer. */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

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
