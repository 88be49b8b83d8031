/**
 * What the dashboard page is allowed to do and where it logs in, pure: the Content Security Policy of
 * its answers and the members service address its login form posts to.
 */

/** The members service's default port (docs/contract.md section 1), used when MEMBERS_PUBLIC_URL is unset. */
export const MEMBERS_DEFAULT_PORT = 3004;

/** How often the page asks for the active stock warnings again. */
export const STOCK_WARNINGS_REFRESH_MS = 10_000;

/** A host name a browser may have sent (DNS name, IPv4 or bracketed IPv6), never anything to inject. */
const HOST_NAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])$/;

/**
 * MEMBERS_PUBLIC_URL: the members service as the operators' browsers reach it (scheme, host, port and
 * an optional path prefix, no query). Returns it without a trailing slash, or undefined when unset.
 */
export function readMembersPublicUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.MEMBERS_PUBLIC_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    url = new URL('invalid:');
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw new Error(
      `Invalid configuration:\n  MEMBERS_PUBLIC_URL: must be an http(s) URL without query, fragment or credentials: ${raw}`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * The members service for a page served to `request`: the configured URL, else the host the browser
 * used for the dashboard on the members port (`npm run stack` and docker compose publish both on one
 * host). A host name that is not one (a forged Host header) falls back to 127.0.0.1.
 */
export function membersUrlFor(
  configured: string | undefined,
  request: { protocol: string; hostname: string },
): string {
  if (configured) return configured;
  const hostname = HOST_NAME.test(request.hostname) ? request.hostname : '127.0.0.1';
  const protocol = request.protocol === 'https' ? 'https' : 'http';
  return `${protocol}://${hostname}:${MEMBERS_DEFAULT_PORT}`;
}

/**
 * The page's policy: its own scripts and styles only (no inline script or style, no eval), data from
 * its own origin and the login at members, no frames, no plugins, no form posted anywhere, nothing
 * embedding it. The JSON API keeps its `default-src 'none'`.
 */
export function dashboardContentSecurityPolicy(membersUrl: string): string {
  const members = new URL(membersUrl).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self' ${members}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
