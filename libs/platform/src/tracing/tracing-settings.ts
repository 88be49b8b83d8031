/**
 * Whether a process traces, decided from the standard OpenTelemetry variables alone. Pure: no
 * OpenTelemetry package is loaded to decide, so a process that does not trace loads none of the SDK.
 */
export type TracingSettings =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      /** The resource's service.name. */
      serviceName: string;
      /** The exporters the SDK builds from OTEL_TRACES_EXPORTER (otlp when only an endpoint is set). */
      exporters: string[];
    };

/** What the SDK can build from OTEL_TRACES_EXPORTER. */
const SUPPORTED_EXPORTERS = ['otlp', 'console', 'zipkin'];

/** Used when neither OTEL_SERVICE_NAME nor the entry point names the service. */
export const FALLBACK_SERVICE_NAME = 'ecom';

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item.length > 0);
}

function isSet(value: string | undefined): boolean {
  return (value ?? '').trim().length > 0;
}

/** The app of an entry point: `dist/apps/orders/src/main.js` or `apps/orders/src/main.ts` is `orders`. */
export function appNameOf(entryPoint: string | undefined): string | undefined {
  return /(?:^|[/\\])apps[/\\]([^/\\]+)[/\\]src[/\\]main\.[cm]?[jt]s$/.exec(entryPoint ?? '')?.[1];
}

/** service.name as the standard variables give it (OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES). */
function configuredServiceName(env: NodeJS.ProcessEnv): string | undefined {
  if (isSet(env.OTEL_SERVICE_NAME)) return env.OTEL_SERVICE_NAME!.trim();
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const [key, ...value] = pair.split('=');
    if (key.trim() === 'service.name' && value.join('=').trim())
      return decodeURIComponent(value.join('=').trim());
  }
  return undefined;
}

/**
 * Off unless asked for: on when OTEL_TRACES_EXPORTER names an exporter (otlp, console, zipkin) or,
 * with it unset, when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn it
 * off whatever else is set.
 */
export function readTracingSettings(env: NodeJS.ProcessEnv, entryPoint?: string): TracingSettings {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') {
    return { enabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  }
  const named = listOf(env.OTEL_TRACES_EXPORTER);
  let exporters: string[];
  if (named.includes('none')) return { enabled: false, reason: 'OTEL_TRACES_EXPORTER=none' };
  if (named.length > 0) {
    exporters = named.filter((name) => SUPPORTED_EXPORTERS.includes(name));
    if (exporters.length === 0) {
      return {
        enabled: false,
        reason: `OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER} names no exporter this build has (${SUPPORTED_EXPORTERS.join(', ')})`,
      };
    }
  } else if (isSet(env.OTEL_EXPORTER_OTLP_ENDPOINT) || isSet(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)) {
    exporters = ['otlp'];
  } else {
    return { enabled: false, reason: 'no OTEL_TRACES_EXPORTER and no OTLP endpoint' };
  }
  return {
    enabled: true,
    serviceName: configuredServiceName(env) ?? appNameOf(entryPoint) ?? FALLBACK_SERVICE_NAME,
    exporters,
  };
}
