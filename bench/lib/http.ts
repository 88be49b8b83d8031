/**
 * HTTP client for the load: one undici Pool per service and phase, sized to the concurrency the
 * phase asks for, so "N connections" means N keep-alive sockets. Only 127.0.0.1 is ever addressed.
 */
import { Pool } from 'undici';

export interface HttpResponse<T = unknown> {
  status: number;
  body: T;
  /** Request sent until the whole body was read. */
  ms: number;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** false: drain the body without parsing it (cheap reads where only the status matters). */
  parse?: boolean;
  headers?: Record<string, string>;
}

/** A short name for a failed request ("ECONNREFUSED", "UND_ERR_HEADERS_TIMEOUT", ...). */
export function errorCode(error: unknown): string {
  const e = error as { code?: string; cause?: { code?: string }; name?: string };
  return e.code ?? e.cause?.code ?? e.name ?? 'Error';
}

export interface ClientOptions {
  /**
   * Control traffic (seeding, watching, cleanup): when the app refuses the connection (it is being
   * restarted), wait until it answers /health/ready and send again. Only refused connections are
   * retried: the request never reached the app, so sending it again cannot apply it twice. Load
   * clients leave this off and count the refusals instead.
   */
  waitWhenRefused?: boolean;
}

const READY_TIMEOUT_MS = 120_000;

export class HttpClient {
  private readonly pool: Pool;

  constructor(
    readonly port: number,
    connections: number,
    private readonly options: ClientOptions = {},
  ) {
    this.pool = new Pool(`http://127.0.0.1:${port}`, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      // Long polls wait up to a few seconds; anything beyond 30 s is a failure of the stack.
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
  }

  async request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpResponse<T>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(method, path, options);
      } catch (error) {
        if (!this.options.waitWhenRefused || errorCode(error) !== 'ECONNREFUSED' || attempt >= 5) throw error;
        await waitUntilReady(this.port, READY_TIMEOUT_MS);
      }
    }
  }

  private async once<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: RequestOptions,
  ): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(options.body);
    }
    const started = performance.now();
    const response = await this.pool.request({ method, path, headers, body: payload });
    let body: unknown = undefined;
    if (options.parse === false) {
      await response.body.dump();
    } else {
      const text = await response.body.text();
      const type = String(response.headers['content-type'] ?? '');
      body = text && type.includes('json') ? JSON.parse(text) : text;
    }
    return { status: response.statusCode, body: body as T, ms: performance.now() - started };
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T = unknown>(path: string, body: unknown, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.request<T>('POST', path, { ...options, body });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** One request on a throw-away connection (health checks, one-off probes). */
export async function probe(port: number, path: string, timeoutMs = 2000): Promise<number | undefined> {
  const pool = new Pool(`http://127.0.0.1:${port}`, {
    connections: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: timeoutMs,
  });
  try {
    const response = await pool.request({ method: 'GET', path });
    await response.body.dump();
    return response.statusCode;
  } catch {
    return undefined;
  } finally {
    await pool.destroy();
  }
}

/** Waits until an app answers /health/ready with 200 (throws after `timeoutMs`). */
export async function waitUntilReady(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await probe(port, '/health/ready')) !== 200) {
    if (Date.now() > deadline) throw new Error(`127.0.0.1:${port} not ready after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
