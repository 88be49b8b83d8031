import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenVerifier } from './access-token';
import { AuthGuard } from './auth.guard';
import { loadPublicKeyPem } from './jwt-keys';

/** Token verification for a service: the public key only, a global guard on every route. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: AccessTokenVerifier, useFactory: () => new AccessTokenVerifier(loadPublicKeyPem()) },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AccessTokenVerifier],
    };
  }
}
