/**
 * Closed-loop load: `workers` virtual clients each run one operation after another until the
 * phase's time is up or its operation budget is spent (every loop is bounded by both). Latency is
 * that of successful operations; every outcome is counted by status so 5xx answers and transport
 * errors show up in the results instead of disappearing into an average.
 */
import { errorCode } from './http';
import { sleep, Ticker } from './progress';
import { LatencySummary, Recorder } from './stats';

/** An HTTP status, or a label such as "error:ECONNREFUSED", "timeout", "declined". */
export type Outcome = number | string;

export interface LoadOptions {
  label: string;
  workers: number;
  durationMs: number;
  maxOps: number;
  /** Which outcomes count as success (default: 2xx). */
  ok?: (outcome: Outcome) => boolean;
}

export interface LoadResult {
  label: string;
  workers: number;
  ops: number;
  ok: number;
  elapsedMs: number;
  /** Successful operations per second of wall time (in-flight operations finish after the deadline). */
  okPerSecond: number;
  statuses: Record<string, number>;
  serverErrors: number;
  latency: LatencySummary;
}

const is2xx = (outcome: Outcome) => typeof outcome === 'number' && outcome >= 200 && outcome < 300;

/** HTTP 5xx, and gRPC UNKNOWN (2) / INTERNAL (13), which is what a server fault becomes there. */
export function countServerErrors(statuses: Record<string, number>): number {
  return Object.entries(statuses)
    .filter(([status]) => /^5\d\d$/.test(status) || /^grpc:(2|13)$/.test(status))
    .reduce((sum, [, n]) => sum + n, 0);
}

export async function runClosedLoop(
  options: LoadOptions,
  op: (worker: number, seq: number) => Promise<Outcome>,
): Promise<LoadResult> {
  const ok = options.ok ?? is2xx;
  const latency = new Recorder();
  const statuses: Record<string, number> = {};
  let issued = 0;
  let succeeded = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  let lastDone = 0;
  let lastAt = started;
  const ticker = new Ticker(options.label, () => {
    const now = performance.now();
    const rate = ((done - lastDone) * 1000) / Math.max(1, now - lastAt);
    lastDone = done;
    lastAt = now;
    const left = Math.max(0, (deadline - now) / 1000).toFixed(0);
    return `${done} done, ${succeeded} ok, ${rate.toFixed(0)}/s now, ${left}s left`;
  }).start();

  const worker = async (index: number) => {
    while (performance.now() < deadline && issued < options.maxOps) {
      const seq = issued++;
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = await op(index, seq);
      } catch (error) {
        outcome = `error:${errorCode(error)}`;
      }
      const ms = performance.now() - t0;
      done++;
      statuses[String(outcome)] = (statuses[String(outcome)] ?? 0) + 1;
      if (ok(outcome)) {
        succeeded++;
        latency.add(ms);
      } else if (typeof outcome === 'string' && outcome.startsWith('error:')) {
        // A refused connection fails at once: back off instead of spinning while an app restarts.
        await sleep(50);
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, i) => worker(i)));
  const elapsedMs = performance.now() - started;
  ticker.stop(
    `${succeeded}/${done} ok in ${(elapsedMs / 1000).toFixed(1)} s (${((succeeded * 1000) / elapsedMs).toFixed(1)}/s)`,
  );
  return {
    label: options.label,
    workers: options.workers,
    ops: done,
    ok: succeeded,
    elapsedMs: Math.round(elapsedMs),
    okPerSecond: Math.round((succeeded * 10_000) / elapsedMs) / 10,
    statuses,
    serverErrors: countServerErrors(statuses),
    latency: latency.summary(),
  };
}
