import { trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';

/**
 * Names a request's server span after its route, `POST /v1/orders/:orderId` (the HTTP
 * instrumentation only knows the method), and sets `http.route`: so traces group by operation and
 * never by the ids in a path. A no-op while tracing is off (the API's span is then non-recording).
 */
export function nameServerSpansByRoute(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const span = trace.getActiveSpan();
    if (route && span?.isRecording()) {
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    done();
  });
}
