import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { AccessTokenVerifier, InvalidTokenError } from './access-token';
import { IS_PUBLIC, MEMBER_KEY, REQUIRED_ROLE } from './auth.decorators';
import { RetryLaterException, setRetryAfter } from './retry-later';
import { hasRole, Role } from './roles';
import { RevocationCheckUnavailableError, TokenRevocations, TokenRevokedError } from './token-revocations';

function bearerToken(header: unknown): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match?.[1];
}

/**
 * Global guard of every service: verifies the bearer token (HTTP header or gRPC metadata
 * `authorization`) with the public key, refuses a revoked one (TokenRevocations: at most one Redis
 * GET per member per second and process; Redis unreachable -> 503 with Retry-After, never an
 * accepted token; a public route is then served as to an anonymous caller), then checks the route's required role. Routes are authenticated unless marked
 * @Public().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: TokenRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false;
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    const rpc = context.getType() === 'rpc';

    let holder: Record<string, unknown>;
    let token: string | undefined;
    if (rpc) {
      const metadata = context.switchToRpc().getContext() as { get(key: string): unknown[] } & Record<
        string,
        unknown
      >;
      holder = metadata;
      token = bearerToken(metadata.get?.('authorization')?.[0]);
    } else {
      const request = context.switchToHttp().getRequest();
      holder = request;
      token = bearerToken(request.headers?.authorization);
    }

    if (token) {
      try {
        const { member, tokenVersion } = await this.verifier.verifyToken(token);
        await this.revocations.assertCurrent(member.id, tokenVersion);
        holder[MEMBER_KEY] = member;
      } catch (error) {
        if (error instanceof RevocationCheckUnavailableError) {
          // A public route goes on as anonymous (fewer rights, never more); any other is refused.
          if (isPublic && !required) return true;
          const unavailable = RetryLaterException.unavailable('token revocation check', 1);
          if (rpc) throw new RpcException({ code: GrpcStatus.UNAVAILABLE, message: unavailable.message });
          setRetryAfter(context.switchToHttp().getResponse(), unavailable);
          throw unavailable;
        }
        const reason =
          error instanceof InvalidTokenError || error instanceof TokenRevokedError
            ? error.message
            : 'token invalid';
        throw rpc
          ? new RpcException({ code: GrpcStatus.UNAUTHENTICATED, message: reason })
          : new UnauthorizedException(reason);
      }
    } else if (!isPublic) {
      throw rpc
        ? new RpcException({ code: GrpcStatus.UNAUTHENTICATED, message: 'authentication required' })
        : new UnauthorizedException('authentication required');
    }

    if (required && !hasRole(holder[MEMBER_KEY] as never, required)) {
      if (!holder[MEMBER_KEY]) throw new UnauthorizedException('authentication required');
      const message = `requires role ${required}`;
      throw rpc
        ? new RpcException({ code: GrpcStatus.PERMISSION_DENIED, message })
        : new ForbiddenException(message);
    }
    return true;
  }
}
