/**
 * Latency statistics. Percentiles are nearest-rank over every recorded value (no histogram
 * buckets): load phases are bounded by time and count, so the arrays stay small enough to sort.
 */

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array; 0 for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const round = (value: number) => Math.round(value * 10) / 10;

export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, min: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  return {
    count: sorted.length,
    min: round(sorted[0]),
    mean: round(sum / sorted.length),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
  };
}

/** Collects latencies in milliseconds (one array per measured quantity). */
export class Recorder {
  private readonly values: number[] = [];

  add(ms: number): void {
    this.values.push(ms);
  }

  get count(): number {
    return this.values.length;
  }

  summary(): LatencySummary {
    return summarize(this.values);
  }
}

/** "p50 12.3 / p95 40.1 / p99 88.0 ms" for progress lines and logs. */
export function formatLatency(s: LatencySummary): string {
  return `p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} ms (n=${s.count})`;
}
