import { ChildProcess, spawn } from 'child_process';
import { join, resolve } from 'path';
import { SERVICES, ServiceDescriptor } from '@ecom/platform';
import { waitUntil } from './test-kafka';
import { freePort, RunningService, serviceHttp, serviceResources, TestServiceOptions } from './test-service';

const ROOT = resolve(__dirname, '../../..');
const GUARD = join(__dirname, 'service-process-guard.ts');
/** Lines of a service's output kept for error messages. */
const OUTPUT_LINES = 300;

export type ServiceName = (typeof SERVICES)[keyof typeof SERVICES]['name'];

export interface ServiceProcessOptions extends TestServiceOptions {
  /** How long the service may take to answer /health/ready with 200 (default 45 s). */
  readyTimeoutMs?: number;
  /** The HTTP port to listen on (default: a free one), for a test that watches it from its start. */
  httpPort?: number;
}

/** Another service, running as a child process of the test. */
export interface ServiceProcess extends RunningService {
  name: ServiceName;
  pid: number;
  /** The last lines the service wrote (stdout and stderr), for a failing test's message. */
  output(): string;
}

/** Services still running when the test process exits: killed then, whatever the suite forgot. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Starts another service as a real process, the way production does: its own main.ts
 * (`node -r @swc-node/register apps/<name>/src/main.ts`), found by name, not imported, so that no
 * app's code imports another app's. Like startTestService it gets its own database, topic prefix and
 * Redis key prefix (or the ones given, to share them with a service of the test), the test's key pair
 * for tokens and free ports on 127.0.0.1; options.env comes last. Resolves once GET /health/ready
 * answers 200; close() stops the process (SIGTERM, then SIGKILL) and drops what it created. A service
 * whose test process dies stops by itself (service-process-guard.ts).
 */
export async function startServiceProcess(
  name: ServiceName,
  options: ServiceProcessOptions = {},
): Promise<ServiceProcess> {
  const service: ServiceDescriptor | undefined = Object.values(SERVICES).find((s) => s.name === name);
  if (!service) throw new Error(`no service named ${name}`);
  const resources = await serviceResources(service, options);
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = service.grpc ? await freePort() : undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    ECOM_TEST_PARENT_PID: String(process.pid),
    HTTP_PORT: String(httpPort),
    ...(grpcPort ? { GRPC_PORT: String(grpcPort) } : {}),
    ...resources.env,
  };
  resources.tokens.install(env);

  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', '-r', GUARD, join('apps', name, 'src', 'main.ts')],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  installExitHook();
  const lines: string[] = [];
  const output = () => lines.join('\n');
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length > OUTPUT_LINES) lines.splice(0, lines.length - OUTPUT_LINES);
    });
  }
  let stopping = false;
  const exited = new Promise<void>((resolveExit) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (!stopping) console.error(`${name} (pid ${child.pid}) exited (${signal ?? code}):\n${output()}`);
      resolveExit();
    }),
  );
  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };

  const baseUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${name} exited (${child.signalCode ?? child.exitCode}) before it was ready`);
        const ready = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) }).catch(
          () => undefined,
        );
        return ready?.status === 200;
      },
      { timeoutMs: options.readyTimeoutMs ?? 45_000, intervalMs: 200, message: `${name} to be ready` },
    );
  } catch (error) {
    await stop();
    await resources.release();
    throw new Error(`${(error as Error).message}; its output:\n${output()}`);
  }

  return {
    name,
    pid: child.pid!,
    baseUrl,
    grpcAddress: grpcPort ? `127.0.0.1:${grpcPort}` : undefined,
    tokens: resources.tokens,
    topicPrefix: resources.topicPrefix,
    database: resources.database,
    http: serviceHttp(baseUrl),
    output,
    close: async () => {
      await stop();
      await resources.release();
    },
  };
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}
