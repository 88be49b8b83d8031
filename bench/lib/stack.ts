/**
 * The stack under test: the six apps on their default ports. The bench uses a running stack as it
 * is; when none answers it starts one the way the start command does (scripts/stack.sh up) and, at
 * the end, stops only the apps it started. It never runs `stack.sh down`, which would also stop
 * Kafka that tests and other people on the machine use.
 */
import { spawn } from 'child_process';
import { existsSync, readdirSync, readFileSync, unlinkSync } from 'fs';
import { join } from 'path';
import { probe } from './http';
import { info, sleep, warn } from './progress';

export const ROOT = join(__dirname, '..', '..');

export const APPS = [
  { name: 'catalog', port: 3001 },
  { name: 'orders', port: 3002 },
  { name: 'inventory', port: 3003 },
  { name: 'members', port: 3004 },
  { name: 'analytics', port: 3005 },
  { name: 'analytics-projector', port: 3006 },
] as const;
export type AppName = (typeof APPS)[number]['name'];

export const PORTS = Object.fromEntries(APPS.map((a) => [a.name, a.port])) as Record<AppName, number>;
export const GRPC_PORTS = { catalog: 50051, orders: 50052, inventory: 50053, members: 50054 } as const;

const pidFile = (app: AppName) => join(ROOT, '.stack', 'pids', `${app}.pid`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid stack.sh recorded for an app, if that process still runs. */
export function recordedPid(app: AppName): number | undefined {
  if (!existsSync(pidFile(app))) return undefined;
  const pid = Number(readFileSync(pidFile(app), 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

export async function readyApps(): Promise<AppName[]> {
  const answers = await Promise.all(APPS.map(async (a) => (await probe(a.port, '/health/ready')) === 200));
  return APPS.filter((_, i) => answers[i]).map((a) => a.name);
}

/**
 * Waits until every given app answers /health/ready (apps may be restarted by someone else while the
 * bench runs; a phase starts only once its apps answer).
 */
export async function waitReady(apps: readonly AppName[] = APPS.map((a) => a.name), timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let reported = false;
  for (;;) {
    const ready = await readyApps();
    const missing = apps.filter((a) => !ready.includes(a));
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`not ready after ${timeoutMs / 1000} s: ${missing.join(', ')}`);
    if (!reported) warn(`waiting for ${missing.join(', ')} to answer /health/ready`);
    reported = true;
    await sleep(1000);
  }
}

export interface StackHandle {
  /** Apps this run started (and will stop); empty when the stack was already running. */
  started: AppName[];
  stop(): Promise<void>;
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // The bench's own environment is passed on untouched: the apps start as `npm run stack` starts them.
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // stack.sh talks on stdout; the bench keeps stdout for its table, so relay it to stderr.
    child.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** Stops one app: SIGTERM, up to `graceMs` (10 s, as stack.sh down) to finish, then SIGKILL. */
export async function stopApp(app: AppName, pid: number, graceMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (const until = Date.now() + graceMs; Date.now() < until && alive(pid);) await sleep(200);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (recordedPid(app) === undefined && existsSync(pidFile(app))) unlinkSync(pidFile(app));
  info(`stopped ${app} (pid ${pid})`);
}

/** Command lines of every process (to see whether someone is starting the stack right now). */
function commandLines(): string[] {
  const lines: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      lines.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // gone meanwhile
    }
  }
  return lines;
}

/** A stack.sh in progress, or app processes that do not answer yet: someone is (re)starting apps. */
function somethingStarting(missing: AppName[]): boolean {
  return commandLines().some(
    (line) =>
      line.includes('scripts/stack.sh') ||
      missing.some(
        (app) => line.includes(`dist/apps/${app}/src/main.js`) || line.includes(`apps/${app}/src/main.ts`),
      ),
  );
}

const PATIENCE_MS = 120_000;

export async function ensureStack(): Promise<StackHandle> {
  let ready = await readyApps();
  const missing = () => APPS.map((a) => a.name).filter((a) => !ready.includes(a));
  // The machine is shared: apps that are being started or restarted by someone else are waited for,
  // not started a second time (two starts would fight over the ports and the logs).
  if (ready.length < APPS.length && (ready.length > 0 || somethingStarting(missing()))) {
    warn(`waiting up to ${PATIENCE_MS / 1000} s for ${missing().join(', ')} (someone may be starting them)`);
    const deadline = Date.now() + PATIENCE_MS;
    while (Date.now() < deadline) {
      await sleep(2000);
      ready = await readyApps();
      if (ready.length === APPS.length) break;
      // Nothing answers and nobody is starting anything any more: the bench starts the stack.
      if (ready.length === 0 && !somethingStarting(missing())) break;
    }
  }
  if (ready.length === APPS.length) {
    info('using the running stack (all 6 apps answer /health/ready)');
    return { started: [], stop: async () => undefined };
  }
  const before = ready;
  // Apps that run but are not ready yet (e.g. restarting) are left to stack.sh, which skips them.
  const runningBefore = new Set(APPS.map((a) => a.name).filter((a) => recordedPid(a) !== undefined));
  info(`starting the stack (bash scripts/stack.sh up); ready before: ${before.join(', ') || 'none'}`);
  const code = await run('bash', ['scripts/stack.sh', 'up', '--no-demo']);
  if (code !== 0) throw new Error(`scripts/stack.sh up failed with exit code ${code}`);
  const started = APPS.map((a) => a.name).filter((a) => !runningBefore.has(a) && !before.includes(a));
  const pids = new Map(started.map((a) => [a, recordedPid(a)] as const));
  return {
    started,
    stop: async () => {
      for (const [app, pid] of pids) if (pid !== undefined) await stopApp(app, pid);
    },
  };
}
