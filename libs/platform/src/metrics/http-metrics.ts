import type { FastifyInstance } from 'fastify';
import { Histogram, register } from 'prom-client';

function httpDuration(): Histogram<string> {
  return (
    (register.getSingleMetric('http_request_duration_seconds') as Histogram<string>) ??
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    })
  );
}

/** Times every request by its route pattern (not the raw URL, which would explode label cardinality). */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  const histogram = httpDuration();
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    histogram.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
