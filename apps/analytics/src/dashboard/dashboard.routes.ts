import { AnalyticsClock, dayOf } from '@ecom/analytics-read-models';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DashboardAsset, findDashboardBuild, loadDashboardAssets } from './dashboard-assets';
import { dashboardContentSecurityPolicy, membersUrlFor, STOCK_WARNINGS_REFRESH_MS } from './dashboard-page';
import { DASHBOARD_SETTINGS, DashboardSettings } from './dashboard.settings';

/** What the page reads first (GET /dashboard/config.json): where to log in, and the analytics calendar. */
export interface DashboardConfig {
  membersUrl: string;
  timeZone: string;
  currency: string;
  /** Today in ANALYTICS_TZ, YYYY-MM-DD: the end of the default date range. */
  today: string;
  stockWarningsRefreshMs: number;
}

/**
 * The operations dashboard at GET /dashboard: the page built by Vite, served from memory as plain
 * Fastify routes (public: the page holds no data; every figure comes from the operator-only
 * /v1/analytics API with the operator's token). Each answer carries the page's own Content Security
 * Policy instead of the API's `default-src 'none'`, which helmet set when the request arrived.
 */
@Injectable()
export class DashboardRoutes implements OnModuleInit {
  private readonly logger = new Logger('Dashboard');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly clock: AnalyticsClock,
    @Inject(DASHBOARD_SETTINGS) private readonly settings: DashboardSettings,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const dir = findDashboardBuild();
    const assets = dir ? loadDashboardAssets(dir) : new Map<string, DashboardAsset>();
    if (!assets.has('index.html')) {
      this.logger.warn('the dashboard page is not built (npm run build): GET /dashboard answers 404');
    }

    const page = (path: string) => async (request: FastifyRequest, reply: FastifyReply) => {
      const asset = assets.get(path);
      if (!asset) return this.notBuilt(reply);
      return this.send(request, reply, asset);
    };
    fastify.get('/dashboard', page('index.html'));
    fastify.get('/dashboard/', page('index.html'));
    fastify.get('/dashboard/config.json', async (request, reply) => {
      void reply
        .header('content-security-policy', this.policyFor(request))
        .header('cache-control', 'no-store');
      return this.configFor(request);
    });
    fastify.get<{ Params: { '*': string } }>('/dashboard/*', async (request, reply) => {
      const asset = assets.get(request.params['*']);
      if (!asset || request.params['*'] === 'index.html') return reply.callNotFound();
      return this.send(request, reply, asset);
    });
  }

  private configFor(request: FastifyRequest): DashboardConfig {
    return {
      membersUrl: membersUrlFor(this.settings.membersPublicUrl, request),
      timeZone: this.settings.timeZone,
      currency: this.settings.currency,
      today: dayOf(this.clock.now(), this.settings.timeZone),
      stockWarningsRefreshMs: STOCK_WARNINGS_REFRESH_MS,
    };
  }

  private policyFor(request: FastifyRequest): string {
    return dashboardContentSecurityPolicy(membersUrlFor(this.settings.membersPublicUrl, request));
  }

  private send(request: FastifyRequest, reply: FastifyReply, asset: DashboardAsset) {
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    void reply
      .header('content-type', asset.contentType)
      .header('content-security-policy', this.policyFor(request))
      // index.html names the hashed files of the current build: asked again every time.
      .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('vary', 'accept-encoding');
    if (asset.gzipped && acceptsGzip) {
      void reply.header('content-encoding', 'gzip');
      return reply.send(asset.gzipped);
    }
    return reply.send(asset.body);
  }

  private notBuilt(reply: FastifyReply) {
    return reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      message: 'the dashboard page is not built: run npm run build',
    });
  }
}
