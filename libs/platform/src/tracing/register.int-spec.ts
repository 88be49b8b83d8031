import { execFile } from 'child_process';
import { join, resolve } from 'path';
import { promisify } from 'util';

const ROOT = resolve(__dirname, '../../../..');
const REGISTER = join(__dirname, 'register.ts');

/**
 * Loads register.ts in a fresh Node process, as main.ts's first import does, and reports what it
 * loaded: how many OpenTelemetry modules, whether http was patched, the resource's service name.
 */
async function loadRegister(env: Record<string, string>): Promise<{
  otelModules: number;
  httpPatched: boolean;
  serviceName: string | null;
}> {
  const probe = `
    require(${JSON.stringify(REGISTER)});
    const http = require('http');
    const { trace } = require('@opentelemetry/api');
    const span = trace.getTracer('probe').startSpan('probe');
    console.log(JSON.stringify({
      otelModules: Object.keys(require.cache).filter((m) => m.includes('@opentelemetry/') && !m.includes('/api/')).length,
      httpPatched: typeof http.request.__original === 'function',
      serviceName: span.resource ? span.resource.attributes['service.name'] : null,
    }));
    process.exit(0);
  `;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', '@swc-node/register', '-e', probe, join(ROOT, 'apps/inventory/src/main.ts')],
    { cwd: ROOT, env: { ...clean, ...env } },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('@ecom/platform/tracing (register.ts)', () => {
  it('loads no OpenTelemetry SDK module and patches nothing while tracing is off', async () => {
    expect(await loadRegister({})).toEqual({ otelModules: 0, httpPatched: false, serviceName: null });
    expect(
      await loadRegister({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }),
    ).toEqual({ otelModules: 0, httpPatched: false, serviceName: null });
  });

  it('starts the SDK and its instrumentations when asked, named after the app', async () => {
    const on = await loadRegister({ OTEL_TRACES_EXPORTER: 'console' });
    expect(on.otelModules).toBeGreaterThan(100);
    expect(on.httpPatched).toBe(true);
    expect(on.serviceName).toBe('inventory');
  });
});
