import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type Redis from 'ioredis';
import { AccessTokenVerifier } from './access-token';
import { AuthGuard } from './auth.guard';
import { loadPublicKeyPem } from './jwt-keys';
import { createRevocationRedis, DEFAULT_REVOCATION_CACHE_MS, TokenRevocations } from './token-revocations';

/** AUTH_REVOCATION_CACHE_MS: 0 to 10000 ms (default 1000): how late a revocation may reach a replica. */
function revocationCacheMs(value: string | undefined): number {
  const ms = value === undefined || value === '' ? DEFAULT_REVOCATION_CACHE_MS : Number(value);
  if (!Number.isInteger(ms) || ms < 0 || ms > 10_000) {
    throw new Error(`Invalid configuration:\n  AUTH_REVOCATION_CACHE_MS must be an integer from 0 to 10000`);
  }
  return ms;
}

const REVOCATION_REDIS = Symbol('REVOCATION_REDIS');

@Injectable()
class RevocationRedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REVOCATION_REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Token verification for a service: the public key only, a global guard on every route, and the
 * revocation check (TokenRevocations, on a Redis connection of its own:
 * REDIS_URL / REDIS_KEY_PREFIX as the platform's).
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AccessTokenVerifier, useFactory: () => new AccessTokenVerifier(loadPublicKeyPem()) },
        { provide: REVOCATION_REDIS, useFactory: () => createRevocationRedis() },
        {
          provide: TokenRevocations,
          inject: [REVOCATION_REDIS],
          useFactory: (redis: Redis) =>
            new TokenRevocations(redis, revocationCacheMs(process.env.AUTH_REVOCATION_CACHE_MS)),
        },
        RevocationRedisLifecycle,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AccessTokenVerifier, TokenRevocations],
    };
  }
}
