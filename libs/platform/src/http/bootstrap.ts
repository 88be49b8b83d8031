import { protoPackage, protoPath } from '@ecom/contracts';
import { ReflectionService } from '@grpc/reflection';
import helmet from 'helmet';
import { Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcOptions, Transport } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import { readHttpSettings } from '../config/http-settings';
import type { ServiceDescriptor } from '../config/service-descriptor';
import { registerHttpMetrics } from '../metrics/http-metrics';
import { enableCors, readCorsOrigins } from './cors';
import { correlationIdOf } from './event-context.decorator';
import { registerJsonBodyParser, rejectIllegalParameters } from './json-body';
import { closeWith, hideMetricsRoute, serveMetrics } from './metrics-server';
import { flushTracing } from '../tracing/tracing-lifecycle';
import { nameServerSpansByRoute } from '../tracing/route-span-name';

const BODY_LIMIT = 1024 * 1024;

export interface StartOptions {
  httpPort?: number;
  grpcPort?: number;
  host?: string;
}

/** Validation of every request body and query: unknown fields are rejected with the field named. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    // A hostile body's thousands of unknown fields answer with the first few kilobytes of messages,
    // not with a response as large as the body.
    maxErrorMessagesLength: 4096,
  });
}

/**
 * GET /health/live as a plain Fastify route: the kubelet asks it every few seconds on every pod, and
 * "the process answers" needs none of Nest's guards, pipes and interceptors (which cost about ten
 * times the route itself). Same body as a Terminus check.
 */
function serveLiveness(fastify: FastifyInstance): void {
  fastify.get('/health/live', async () => {
    const process_ = { status: 'up', uptimeSeconds: Math.round(process.uptime()) };
    return { status: 'ok', info: { process: process_ }, error: {}, details: { process: process_ } };
  });
}

/**
 * Helmet's security headers on every answer. The API answers JSON only, so its Content Security
 * Policy allows nothing to run; only the OpenAPI UI under /docs, which runs inline scripts and
 * styles, gets a policy that allows them (a page an app serves itself, analytics' /dashboard, sets a
 * stricter one of its own on its answers). The middlewares are built once here: the Fastify plugin
 * rebuilt them (and re-parsed the CSP) for every request, a tenth of the cost of a cheap route.
 */
function addSecurityHeaders(fastify: FastifyInstance): void {
  const api = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    },
  });
  const docs = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const secure = request.url === '/docs' || request.url.startsWith('/docs/') ? docs : api;
    secure(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
}

/**
 * Creates, configures and starts a service: Fastify with helmet, /v1 prefix, validation, OpenAPI at
 * /docs and /docs-json, JSON logs, metrics (on METRICS_PORT when set, else on the HTTP port), gRPC with
 * server reflection when the service has a proto.
 * main.ts and the integration tests both start apps through here, so tests run what production runs.
 */
export async function startService(
  module: Type<unknown>,
  service: ServiceDescriptor,
  options: StartOptions = {},
): Promise<NestFastifyApplication> {
  const http = readHttpSettings();
  const corsOrigins = readCorsOrigins();
  const adapter = new FastifyAdapter({
    // X-Forwarded-For is believed only from the configured proxies (TRUSTED_PROXIES): else anyone
    // could pick the address the per-IP limits count.
    trustProxy: http.trustedProxies.length > 0 ? http.trustedProxies : false,
    bodyLimit: BODY_LIMIT,
    // A client that sends its headers or body too slowly is cut off (408) instead of holding a
    // connection forever; Node checks the deadlines every connectionsCheckingInterval. Only the
    // arrival of the request is bounded, not the time a route takes to answer.
    requestTimeout: http.requestTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(http.headersTimeoutMs / 4))),
    },
    // The request id is the correlation id: the caller's X-Correlation-Id, or a new UUIDv7. It is
    // written back into the headers so the request logger and the event envelopes use the same one.
    genReqId: (request: { headers: Record<string, unknown> }) => {
      const id = correlationIdOf(request.headers);
      request.headers['x-correlation-id'] = id;
      return id;
    },
  });
  serveLiveness(adapter.getInstance());
  if (http.metricsPort !== undefined) hideMetricsRoute(adapter.getInstance());
  registerJsonBodyParser(adapter.getInstance(), BODY_LIMIT);
  rejectIllegalParameters(adapter.getInstance());
  // bodyParser: false: Nest would add form-encoded and a JSON parser of its own beside ours.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  // The spans of the last requests and events are exported before the process exits: Fastify closes
  // after the consumers and the relay stopped (beforeApplicationShutdown), once requests drained.
  fastify.addHook('onClose', async () => {
    await flushTracing();
  });
  registerHttpMetrics(fastify);
  nameServerSpansByRoute(fastify);
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-correlation-id', request.id);
  });
  addSecurityHeaders(fastify);
  enableCors(app, corsOrigins);
  app.setGlobalPrefix('v1', {
    exclude: ['health/live', 'health/ready', 'metrics', ...(service.unversionedPaths ?? [])],
  });
  app.useGlobalPipes(validationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`${service.name} API`)
      .setDescription(
        `The ${service.name} service of the e-commerce operations backend (docs/contract.md section 5).`,
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  if (service.grpc) {
    const grpcPort = options.grpcPort ?? Number(process.env.GRPC_PORT ?? service.grpc.port);
    app.connectMicroservice<GrpcOptions>(
      {
        transport: Transport.GRPC,
        options: {
          package: protoPackage(service.grpc.service),
          protoPath: protoPath(service.grpc.service),
          url: `${options.host ?? '0.0.0.0'}:${grpcPort}`,
          loader: { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true },
          onLoadPackageDefinition: (definition, server) => {
            new ReflectionService(definition).addToServer(server);
          },
        },
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
  }

  if (http.metricsPort !== undefined) {
    const metrics = await serveMetrics(http.metricsPort, options.host ?? '0.0.0.0').catch(async (error) => {
      await app.close();
      throw error;
    });
    closeWith(fastify, metrics);
  }
  const httpPort = options.httpPort ?? Number(process.env.HTTP_PORT ?? service.httpPort);
  await app.listen(httpPort, options.host ?? '0.0.0.0');
  return app;
}
