import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, extname, join, relative, sep } from 'path';
import { constants, gzipSync } from 'zlib';

/**
 * Where `vite build` (apps/analytics/vite.dashboard.config.ts, part of `npm run build`) writes the
 * page, relative to the workspace root. The built app finds it beside itself (dist/apps/analytics/src
 * -> dist/apps/analytics/dashboard, also in the Docker image) and the sources run by tests find it
 * under the root: both by walking up from this file.
 */
export const DASHBOARD_BUILD_DIR = join('dist', 'apps', 'analytics', 'dashboard');

/** The directory holding the built page's index.html, looked for from `from` up to the file system root. */
export function findDashboardBuild(from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidates = [join(dir, DASHBOARD_BUILD_DIR), join(dir, 'apps', 'analytics', 'dashboard')];
    const found = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
    if (found) return found;
    if (dirname(dir) === dir) return undefined;
  }
}

export interface DashboardAsset {
  body: Buffer;
  /** The body gzipped, when that is smaller. */
  gzipped?: Buffer;
  contentType: string;
  /** Vite names what it emits under assets/ by content hash: such a file never changes. */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Every file of the built page, read and compressed once at start (a few files, about a megabyte), by
 * its path under /dashboard/ ('index.html', 'assets/index-3f9c.js'). Requests look paths up in this
 * map only, so no request ever names a file on disk. Files of an unknown type are left out.
 */
export function loadDashboardAssets(dir: string): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  for (const file of filesUnder(dir)) {
    const contentType = CONTENT_TYPES[extname(file)];
    if (!contentType) continue;
    const path = relative(dir, file).split(sep).join('/');
    const body = readFileSync(file);
    const gzipped = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
    assets.set(path, {
      body,
      gzipped: gzipped.length < body.length ? gzipped : undefined,
      contentType,
      immutable: path.startsWith('assets/'),
    });
  }
  return assets;
}
