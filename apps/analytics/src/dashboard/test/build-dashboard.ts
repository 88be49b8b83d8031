import { execFileSync } from 'child_process';
import { readdirSync, statSync } from 'fs';
import { join, resolve } from 'path';
import { DASHBOARD_BUILD_DIR } from '../dashboard-assets';

const ROOT = resolve(__dirname, '../../../../..');
const WEB = join(ROOT, 'apps/analytics/src/dashboard/web');
const VITE_CONFIG = join(ROOT, 'apps/analytics/vite.dashboard.config.mts');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function builtAt(): number {
  try {
    return statSync(join(ROOT, DASHBOARD_BUILD_DIR, 'index.html')).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Builds the dashboard page with Vite (as `npm run build` does) when it was never built or its sources
 * changed since: the browser tests must run the page of the sources they test. A few seconds.
 */
export function ensureDashboardBuilt(): void {
  if (builtAt() >= Math.max(newestMtime(WEB), newestMtime(VITE_CONFIG))) return;
  console.log('building the dashboard page (vite build)');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', VITE_CONFIG], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 120_000,
  });
}
