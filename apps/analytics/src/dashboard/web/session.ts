/**
 * Signing in at the members service from the browser (POST /v1/auth/login, allowed for this page's
 * origin by CORS_ORIGINS). The token lives in the page's memory only: not in a URL, a cookie,
 * localStorage or sessionStorage; reloading the page or closing it signs out.
 */

export interface Session {
  token: string;
  memberId: string;
  roles: string[];
  /** When the token stops working (ms since the epoch). */
  expiresAt: number;
}

export type LoginProblem = 'invalid' | 'throttled' | 'unavailable';

export class LoginError extends Error {
  constructor(
    readonly problem: LoginProblem,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(problem);
    this.name = 'LoginError';
  }
}

interface LoginAnswer {
  accessToken: string;
  expiresIn: number;
  member: { id: string; roles: string[] };
}

export async function logIn(membersUrl: string, email: string, password: string): Promise<Session> {
  let response: Response;
  try {
    response = await fetch(`${membersUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email, password }),
      // Nothing to send or keep but the JSON: no cookie, no referrer to another origin.
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new LoginError('unavailable');
  }
  if (response.status === 401 || response.status === 400) throw new LoginError('invalid');
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    throw new LoginError('throttled', Number.isFinite(seconds) && seconds > 0 ? seconds : 1);
  }
  if (!response.ok) throw new LoginError('unavailable');
  const answer = (await response.json()) as LoginAnswer;
  return {
    token: answer.accessToken,
    memberId: answer.member.id,
    roles: answer.member.roles,
    expiresAt: Date.now() + answer.expiresIn * 1000,
  };
}

/**
 * Revokes the token at members (POST /v1/auth/logout revokes every token of the member issued so
 * far), so a copy of it cannot outlive the page's sign-out. Best effort: the page forgets the token
 * whatever the answer.
 */
export async function logOut(membersUrl: string, token: string): Promise<void> {
  try {
    await fetch(`${membersUrl}/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      signal: AbortSignal.timeout(5_000),
    });
  } catch {
    // members unreachable: the token expires by itself
  }
}

/** Operators and admins see the dashboard; the analytics API checks it again on every request. */
export function mayUseDashboard(roles: readonly string[]): boolean {
  return roles.includes('operator') || roles.includes('admin');
}
