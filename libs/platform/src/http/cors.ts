import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Origins whose pages may call a service from a browser (CORS) unless CORS_ORIGINS says otherwise:
 * the operations dashboard served by analytics on its default port, which logs in at members.
 */
export const DEFAULT_CORS_ORIGINS = ['http://127.0.0.1:3005', 'http://localhost:3005'];

/**
 * CORS_ORIGINS: a comma- or space-separated list of exact origins (`scheme://host[:port]`, no path,
 * no wildcard); set but empty turns CORS off. A malformed entry stops the service at start, like the
 * other HTTP settings.
 */
export function readCorsOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.CORS_ORIGINS;
  if (raw === undefined) return [...DEFAULT_CORS_ORIGINS];
  const origins = raw.split(/[\s,]+/).filter((entry) => entry !== '');
  const invalid = origins.filter((entry) => !isOrigin(entry));
  if (invalid.length > 0) {
    throw new Error(
      `Invalid configuration:\n  CORS_ORIGINS: not an origin (scheme://host[:port]): ${invalid.join(', ')}`,
    );
  }
  return origins;
}

function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry;
  } catch {
    return false;
  }
}

/**
 * Answers browsers' cross-origin requests from the allowed origins only, for bearer-token calls:
 * no cookies are involved (credentials are not allowed), so an allowed origin gains nothing a script
 * holding a token could not do anyway; every other origin gets no CORS header and the browser keeps
 * the answer from its page.
 */
export function enableCors(app: NestFastifyApplication, origins: string[]): void {
  if (origins.length === 0) return;
  app.enableCors({
    origin: origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id'],
    exposedHeaders: ['retry-after', 'x-correlation-id'],
    credentials: false,
    maxAge: 600,
  });
}
