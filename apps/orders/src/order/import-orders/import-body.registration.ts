import { AccessTokenVerifier, hasRole, InvalidTokenError } from '@ecom/auth';
import { ForbiddenException, Inject, Injectable, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ORDERS_SETTINGS, OrdersSettings } from '../../config/orders.settings';
import { EarlyAuthorization, registerNdjsonBodyParser } from './ndjson-body.parser';

/**
 * Registers the import's JSON-lines body parser on the service's Fastify instance when the module
 * starts (before the server listens). Callers without a token, with an invalid one or without the
 * operator role are refused before their body is read; the route's guard checks again in full.
 */
@Injectable()
export class ImportBodyRegistration implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly verifier: AccessTokenVerifier,
    @Inject(ORDERS_SETTINGS) private readonly settings: OrdersSettings,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    registerNdjsonBodyParser(fastify, this.settings.import, this.authorize);
  }

  private readonly authorize: EarlyAuthorization = async (authorization) => {
    const token = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1];
    if (!token) return new UnauthorizedException('a bearer token is required');
    let member;
    try {
      member = await this.verifier.verify(token);
    } catch (error) {
      return new UnauthorizedException(error instanceof InvalidTokenError ? error.message : 'token invalid');
    }
    return hasRole(member, 'operator') ? null : new ForbiddenException('requires role operator');
  };
}
