/**
 * The running SDK, for the app's shutdown: kept apart from start-tracing.ts so that the platform can
 * flush on close without loading the SDK in a process that does not trace.
 */
export interface ActiveTracing {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: ActiveTracing | undefined;

export function setActiveTracing(tracing: ActiveTracing | undefined): void {
  active = tracing;
}

/**
 * Exports the spans still buffered (the last requests and events of a stopping pod). Bounded: an
 * unreachable collector must not hold the shutdown up past the pod's grace period. A flush that fails
 * loses those spans, never the shutdown.
 */
export async function flushTracing(timeoutMs = 5000): Promise<void> {
  if (!active) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    active.flush().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
