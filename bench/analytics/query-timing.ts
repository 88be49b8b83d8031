/** Timing of the analytics query benchmarks: how each runs a query and reports it. */

export const log = (line: string) => process.stderr.write(`${line}\n`);

/** Milliseconds since `started` (process.hrtime.bigint()). */
export const elapsedMs = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
  runs: number;
}

/** p50, p99 (nearest rank) and max of samples in ms, to 0.01 ms. */
export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]),
    runs: sorted.length,
  };
}

/**
 * Runs `work` `runs` times (after one untimed run with `warmUp`), progress on stderr for long series,
 * and prints one line on stdout: label, p50, p99, max.
 */
export async function timeQuery(
  label: string,
  runs: number,
  work: () => Promise<unknown>,
  options: { warmUp?: boolean } = {},
): Promise<Percentiles> {
  if (options.warmUp) await work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await work();
    samples.push(elapsedMs(started));
    if (runs > 10 && (i + 1) % Math.ceil(runs / 4) === 0) log(`  ${label}: ${i + 1}/${runs}`);
  }
  const result = percentiles(samples);
  const cell = (x: number) => x.toFixed(1).padStart(8);
  console.log(
    `${label.padEnd(52)} p50 ${cell(result.p50)} ms  p99 ${cell(result.p99)} ms  max ${cell(result.max)} ms  (${runs} runs)`,
  );
  return result;
}
