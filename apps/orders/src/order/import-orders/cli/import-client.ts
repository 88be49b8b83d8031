/**
 * The CLI's side of POST /v1/imports/orders: logs in as an operator (or uses a given token) and sends
 * batches of JSON lines, retrying what a retry can fix. Sending a batch again is safe: the import is
 * idempotent on sourceOrderId (what the first attempt wrote comes back as skipped).
 */

export interface ImportAnswer {
  imported: number;
  skipped: number;
  rejected: { line: number; field: string | null; reason: string }[];
}

export interface ImportClientOptions {
  /** Base URL of the orders service. */
  url: string;
  /** A bearer token to use as it is (IMPORT_TOKEN), else `login` is used. */
  token?: string;
  login?: { url: string; email: string; password: string };
  /** Attempts per batch for failures a retry can fix (connection lost, 5xx, 429). */
  attempts?: number;
  /** How long one request may take. */
  timeoutMs?: number;
  onRetry?: (message: string) => void;
}

/** A failure that retrying will not fix: the CLI stops with it. */
export class FatalImportError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function messageOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: unknown };
    return typeof body.message === 'string' ? body.message : text;
  } catch {
    return text.slice(0, 500);
  }
}

export class ImportClient {
  private token?: string;
  private readonly attempts: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: ImportClientOptions) {
    this.token = options.token ? options.token.replace(/^Bearer\s+/i, '') : undefined;
    this.attempts = options.attempts ?? 6;
    this.timeoutMs = options.timeoutMs ?? 300_000;
  }

  /** Makes sure there is a token: logs in when none was given. */
  async authenticate(): Promise<void> {
    if (!this.token) await this.login();
  }

  private async login(): Promise<void> {
    const login = this.options.login;
    if (!login) throw new FatalImportError('no token and no login to get one');
    let response: Response;
    try {
      response = await fetch(`${login.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: login.email, password: login.password }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new FatalImportError(`cannot reach ${login.url} to log in: ${(error as Error).message}`);
    }
    if (response.status !== 200) {
      throw new FatalImportError(
        `login as ${login.email} at ${login.url} failed (${response.status}): ${await messageOf(response)}`,
      );
    }
    const body = (await response.json()) as { accessToken: string; member: { roles: string[] } };
    if (!body.member.roles.some((role) => role === 'operator' || role === 'admin')) {
      throw new FatalImportError(`${login.email} is neither operator nor admin: it cannot import orders`);
    }
    this.token = body.accessToken;
  }

  /** Sends one batch (JSON lines) and answers what the import made of it. */
  async send(body: Buffer): Promise<ImportAnswer> {
    let loggedInAgain = false;
    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      let failure: string;
      try {
        response = await fetch(`${this.options.url}/v1/imports/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${this.token}` },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (response.status === 200) return (await response.json()) as ImportAnswer;
        failure = `${response.status}: ${await messageOf(response)}`;
      } catch (error) {
        failure = (error as Error).message;
      }
      const status = response?.status;
      if (status === 401 && this.options.login && !loggedInAgain) {
        // The token expired during a long import: log in once more and send the batch again.
        loggedInAgain = true;
        await this.login();
        continue;
      }
      if (status === 413) {
        throw new FatalImportError(
          `the service refused a batch as too large (use a smaller --batch): ${failure}`,
        );
      }
      const retriable = status === undefined || status === 429 || status >= 500;
      if (!retriable) throw new FatalImportError(`the import refused a batch (${failure})`);
      if (attempt >= this.attempts)
        throw new FatalImportError(`a batch failed ${attempt} times, last: ${failure}`);
      const retryAfter = Number(response?.headers.get('retry-after'));
      const waitMs = retryAfter > 0 ? retryAfter * 1000 : Math.min(16_000, 500 * 2 ** attempt);
      this.options.onRetry?.(`batch failed (${failure}); retrying in ${Math.round(waitMs / 100) / 10} s`);
      await sleep(waitMs);
    }
  }
}
