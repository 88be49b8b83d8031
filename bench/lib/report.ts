/**
 * The run's results: every figure with its target and, where one applies, a reference limit measured
 * in the same run (and the ratio between them). Printed as a markdown table on stdout and written as
 * JSON (see write-json.ts).
 */
import { execFileSync } from 'child_process';
import { ROOT } from './stack';

export type Comparison = '>=' | '<=' | '==';

export interface Target {
  op: Comparison;
  value: number;
  /** What the target is checked against: the figure itself (default) or its ratio to the reference. */
  on?: 'value' | 'ratio';
}

export interface Reference {
  label: string;
  value: number | null;
  unit: string;
}

export interface Figure {
  id: string;
  label: string;
  value: number | null;
  unit: string;
  target?: Target;
  reference?: Reference;
  /** figure / reference (null without a reference or when either is missing or zero). */
  ratio?: number | null;
  /** true / false against the target; null when there is no target or no value. */
  pass?: boolean | null;
  note?: string;
  /** Shown in a detail table (latency, reads) rather than the main table; always in the JSON. */
  secondary?: boolean;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RunMeta {
  mode: 'full' | 'quick';
  startedAt: string;
  finishedAt?: string;
  durationSeconds?: number;
  gitCommit: string;
  gitDirty: boolean;
  node: string;
  cpus: number;
  loadAverageStart: number[];
  loadAverageEnd?: number[];
  stackStartedByBench: string[];
}

export interface BenchReport {
  meta: RunMeta;
  figures: Figure[];
  checks: Check[];
  /** Everything else each phase measured (latency summaries, status counts, CPU by process, ...). */
  details: Record<string, unknown>;
}

export function gitState(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT }).toString().trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

function compare(value: number, target: Target): boolean {
  if (target.op === '>=') return value >= target.value;
  if (target.op === '<=') return value <= target.value;
  return value === target.value;
}

/** Fills ratio and pass from value, reference and target. */
export function judge(figure: Figure): Figure {
  const ref = figure.reference?.value;
  const ratio =
    figure.reference && figure.value !== null && ref !== null && ref !== undefined && ref !== 0
      ? Math.round((figure.value / ref) * 1000) / 1000
      : figure.reference
        ? null
        : undefined;
  const checked = figure.target?.on === 'ratio' ? ratio : figure.value;
  const pass =
    figure.target === undefined || checked === null || checked === undefined
      ? null
      : compare(checked, figure.target);
  return { ...figure, ...(ratio !== undefined ? { ratio } : {}), pass };
}

const number = (value: number | null | undefined): string => {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (Math.abs(value) >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return String(Math.round(value * 100) / 100);
};

function targetText(figure: Figure): string {
  const t = figure.target;
  if (!t) return '';
  const op = t.op === '>=' ? '≥' : t.op === '<=' ? '≤' : '=';
  if (t.on === 'ratio') return `${op} ${Math.round(t.value * 100)}% of ref.`;
  return `${op} ${number(t.value)} ${figure.unit}`;
}

export function markdownTable(all: Figure[]): string {
  const figures = all.filter((f) => !f.secondary);
  const rows = [
    '| Figure | Value | Target | Reference (same run) | Ratio | Result |',
    '| --- | ---: | --- | --- | ---: | --- |',
  ];
  for (const f of figures) {
    const value = `${number(f.value)} ${f.unit}`;
    const reference = f.reference
      ? `${f.reference.label}: ${number(f.reference.value)} ${f.reference.unit}`
      : '';
    const ratio = f.ratio === undefined ? '' : f.ratio === null ? 'n/a' : `${number(f.ratio * 100)}%`;
    const result = f.pass === true ? 'pass' : f.pass === false ? '**miss**' : '';
    rows.push(`| ${f.label} | ${value} | ${targetText(f)} | ${reference} | ${ratio} | ${result} |`);
  }
  const notes = figures.filter((f) => f.note).map((f) => `- ${f.label}: ${f.note}`);
  return [...rows, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

type Summary = { p50: number; p95: number; p99: number };

/** Full-loop latencies (ms) per run, from the phase details. */
export function latencyTable(details: Record<string, unknown>): string {
  const runs = Object.entries(details).filter(([key]) => key.startsWith('fullLoop.c'));
  const rows = runs.map(([, value]) => {
    const d = value as {
      shoppers: number;
      postLatency: Summary;
      postToConfirmed: Summary;
      loopLatency: Summary;
    };
    const cells = (s: Summary) => [s.p50, s.p95, s.p99].map((v) => number(v));
    return [
      String(d.shoppers),
      ...cells(d.postLatency),
      ...cells(d.postToConfirmed),
      ...cells(d.loopLatency),
    ];
  });
  return table(
    [
      'shoppers',
      'POST p50',
      'p95',
      'p99',
      'POST->CONFIRMED p50',
      'p95',
      'p99',
      'whole loop p50',
      'p95',
      'p99',
    ],
    rows,
  );
}

/** CPU milliseconds per paid order by process, one column per full-loop run. */
export function cpuTable(details: Record<string, unknown>): string {
  const runs = Object.entries(details)
    .filter(([key]) => key.startsWith('fullLoop.c'))
    .map(([, value]) => value as { shoppers: number; cpu: { perPaidOrderMs: Record<string, number> } });
  if (runs.length === 0) return '';
  const largest = runs[runs.length - 1].cpu.perPaidOrderMs;
  const groups = [...new Set(runs.flatMap((r) => Object.keys(r.cpu.perPaidOrderMs)))]
    .filter((g) => g !== 'total')
    .sort((a, b) => (largest[b] ?? 0) - (largest[a] ?? 0));
  const rows = [...groups, 'total'].map((g) => [
    g === 'postgres-other' ? 'postgres-other (not the stack, not in total)' : g,
    ...runs.map((r) => number(r.cpu.perPaidOrderMs[g])),
  ]);
  return table(['process', ...runs.map((r) => `${r.shoppers} shoppers`)], rows);
}

interface ReadLoad {
  label: string;
  workers: number;
  okPerSecond: number;
  latency: Summary;
  cpuPercentOfCore?: Record<string, number>;
}

/** The read endpoints (storefront, analytics, bare Fastify): req/s, p99 and who was busy. */
export function readsTable(details: Record<string, unknown>): string {
  const loads: ReadLoad[] = [];
  for (const section of ['storefront', 'analytics']) {
    const d = details[section] as Record<string, unknown> | undefined;
    for (const value of Object.values(d ?? {})) {
      if (typeof value === 'object' && value !== null && 'okPerSecond' in value)
        loads.push(value as ReadLoad);
    }
  }
  const fastify = (details.references as { fastify?: ReadLoad } | undefined)?.fastify;
  if (fastify) loads.push({ ...fastify, label: `reference: ${fastify.label}` });
  const busy = (cpu?: Record<string, number>) =>
    Object.entries(cpu ?? {})
      .slice(0, 3)
      .map(([group, percent]) => `${group} ${percent}%`)
      .join(', ');
  return table(
    ['endpoint', 'connections', 'req/s', 'p99 ms', 'busiest processes (% of one core)'],
    loads.map((l) => [
      l.label,
      String(l.workers),
      number(l.okPerSecond),
      number(l.latency.p99),
      busy(l.cpuPercentOfCore),
    ]),
  );
}
