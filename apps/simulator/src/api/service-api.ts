/**
 * The services' public REST APIs over fetch, as a storefront or back-office tool calls them. The
 * simulator respects the services' own limits: a 429 or 503 is sent again after its Retry-After.
 */

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  /** JSON unless `contentType` says otherwise (then a string sent as it is). */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Statuses the caller handles itself; any other is an ApiError. Default: any 2xx. */
  expect?: number[];
  /**
   * The request may be sent again after a connection failure: a read, or a write the service
   * deduplicates (an Idempotency-Key, a PUT of a value).
   */
  idempotent?: boolean;
  /** Callers that share a rate limit (the tracking limit per client address) wait together. */
  gate?: RateGate;
}

export class ApiError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${what} answered ${status}: ${JSON.stringify(body).slice(0, 400)}`);
    this.name = 'ApiError';
  }
}

/** When a limit shared by many callers refused one of them, the others hold back until it reopens. */
export class RateGate {
  private closedUntil = 0;

  closeFor(ms: number): void {
    this.closedUntil = Math.max(this.closedUntil, Date.now() + ms);
  }

  async pass(): Promise<void> {
    while (Date.now() < this.closedUntil) await sleep(this.closedUntil - Date.now());
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Retry-After in ms: seconds or an HTTP date; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (!header) return 1000;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - now);
}

/** How long one request may be refused with 429/503 in a row before the run gives up. */
const MAX_THROTTLED_MS = 10 * 60_000;
const CONNECTION_ATTEMPTS = 4;
const REQUEST_TIMEOUT_MS = 40_000;

export class ServiceApi {
  /** 429/503 answers waited out, and connection failures sent again (shown in the summary). */
  readonly stats = { throttled: 0, reconnected: 0 };

  constructor(
    readonly name: string,
    readonly baseUrl: string,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const what = `${this.name} ${method} ${path.split('?')[0]}`;
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      payload = options.contentType ? String(options.body) : JSON.stringify(options.body);
    }
    const throttledSince = Date.now();
    for (let attempt = 1; ; attempt++) {
      await options.gate?.pass();
      let response: Response;
      try {
        response = await fetch(this.baseUrl + path, {
          method,
          headers,
          body: payload,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        // Refused or reset before an answer: safe to send again only when the service deduplicates.
        if (!options.idempotent || attempt >= CONNECTION_ATTEMPTS)
          throw new Error(`${what} failed: ${(error as Error).message} (${causeOf(error)})`);
        this.stats.reconnected++;
        await sleep(1000 * attempt);
        continue;
      }
      const text = await response.text();
      let body: unknown = text;
      if (text && (response.headers.get('content-type') ?? '').includes('json')) {
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON after all: the text is the body.
        }
      }
      if (
        (response.status === 429 || response.status === 503) &&
        !options.expect?.includes(response.status)
      ) {
        const wait = Math.min(retryAfterMs(response.headers.get('retry-after')), 60_000);
        if (Date.now() + wait - throttledSince > MAX_THROTTLED_MS)
          throw new ApiError(what, response.status, body);
        this.stats.throttled++;
        if (options.gate) options.gate.closeFor(wait);
        else await sleep(wait);
        continue;
      }
      const expected = options.expect ? options.expect.includes(response.status) : response.status < 300;
      if (!expected) throw new ApiError(what, response.status, body);
      return { status: response.status, body: body as T, headers: response.headers };
    }
  }

  get<T = unknown>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, { idempotent: true, ...options });
  }

  post<T = unknown>(path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T = unknown>(path: string, body: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, { idempotent: true, ...options, body });
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).name;
}
