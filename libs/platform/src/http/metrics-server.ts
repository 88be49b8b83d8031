import { createServer, Server } from 'http';
import type { FastifyInstance } from 'fastify';
import { register } from 'prom-client';

const METRICS_PATH = /^\/metrics\/?(\?|$)/;

/**
 * The Prometheus scrape on a port of its own (METRICS_PORT): the same registry the app's
 * /metrics route reads, on a plain Node server that answers GET /metrics and nothing else. In
 * Kubernetes only the metrics Service names this port, so neither the Ingress nor the public Service
 * can reach the process's internals.
 */
export async function serveMetrics(port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (!METRICS_PATH.test(request.url ?? '') || !['GET', 'HEAD'].includes(request.method ?? '')) {
      response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      response.end(
        JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'only GET /metrics here' }),
      );
      return;
    }
    register.metrics().then(
      (body) => {
        response.writeHead(200, { 'content-type': register.contentType });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`metrics collection failed: ${error.message}`);
      },
    );
  });
  // A scraper keeps its connection open between scrapes; close() must not wait for it at shutdown.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/**
 * With the scrape on its own port, the public port answers /metrics exactly as it answers a path
 * that does not exist (Nest's 404 through the platform's error body), before any guard runs.
 */
export function hideMetricsRoute(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!METRICS_PATH.test(request.url)) return done();
    void reply
      .code(404)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ statusCode: 404, error: 'Not Found', message: `Cannot ${request.method} ${request.url}` });
  });
}

/** Stops the metrics server with the app (idle scrape connections are cut, not waited for). */
export function closeWith(fastify: FastifyInstance, server: Server): void {
  fastify.addHook('onClose', async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}
