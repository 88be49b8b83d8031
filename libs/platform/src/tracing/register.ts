/**
 * `import '@ecom/platform/tracing'`: the first import of every app's main.ts. Starts OpenTelemetry
 * when the standard variables ask for it (see readTracingSettings), before http, pg, ioredis,
 * kafkajs, pino and @nestjs/core are first required, so that its instrumentations can patch them.
 * Off, it loads nothing but the settings reader.
 */
import { readTracingSettings } from './tracing-settings';

const settings = readTracingSettings(process.env, process.argv[1]);
if (settings.enabled) {
  // Required here, not imported: a process that does not trace must not load the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTracing } = require('./start-tracing') as typeof import('./start-tracing');
  startTracing(settings);
}
