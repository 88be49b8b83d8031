/**
 * Order-history import benchmark: generates an order history of N lines to /tmp (streaming), imports
 * it with the CLI (`npm run import`, run as its own process) into an orders service, and samples the
 * resident memory of both processes while it runs. Reports lines per second and peak RSS.
 *
 *   node -r @swc-node/register bench/import/import-history.ts [lines=200000] [--batch 1000]
 *     [--concurrency 2] [--url http://127.0.0.1:3002 --pid <orders pid>]
 *
 * Without --url it starts an orders service of its own (own database and topic prefix, as the tests
 * do) and drops it afterwards; with --url it imports into that service, logging in as IMPORT_EMAIL /
 * IMPORT_PASSWORD (default: the stack's admin), and samples the memory of --pid if given.
 * `npm run bench -- --phases import` runs the same against the stack (bench/phases/import.ts).
 */
import { spawn } from 'child_process';
import { readFileSync, unlinkSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { info, phase, Ticker } from '../lib/progress';
import { ROOT } from '../lib/stack';
import { writeHistoryFile } from './history-file';

export interface ImportBenchOptions {
  lines: number;
  url: string;
  /** A bearer token for the CLI (IMPORT_TOKEN); without it the CLI logs in. */
  token?: string;
  /** The orders service's process, to sample its memory. */
  ordersPid?: number;
  batch: number;
  concurrency: number;
  runId: string;
}

export interface ImportBenchResult {
  lines: number;
  fileMiB: number;
  imported: number;
  skipped: number;
  rejected: number;
  seconds: number;
  linesPerSecond: number;
  cliPeakRssMiB: number;
  ordersRssBeforeMiB: number | null;
  ordersPeakRssMiB: number | null;
}

const MiB = 1024 * 1024;

/** Resident set size of a process in MiB, or null when it is gone or unreadable. */
export function rssMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

export async function runImportBench(options: ImportBenchOptions): Promise<ImportBenchResult> {
  const file = join(tmpdir(), `ecom-import-bench-${options.runId}.jsonl`);
  phase(`order-history import: ${options.lines} lines through the CLI into ${options.url}`);
  let written = 0;
  const writing = new Ticker('generating', () => `${written}/${options.lines} lines`).start();
  const bytes = await writeHistoryFile(file, options.lines, options.runId, (n) => (written = n));
  writing.stop(`${options.lines} lines, ${(bytes / MiB).toFixed(1)} MiB in ${file}`);

  const ordersRssBefore = options.ordersPid ? rssMiB(options.ordersPid) : null;
  let cliPeak = 0;
  let ordersPeak = ordersRssBefore ?? 0;
  try {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        'apps/orders/src/order/import-orders/cli/import-orders.ts',
        file,
        '--url',
        options.url,
        '--batch',
        String(options.batch),
        '--concurrency',
        String(options.concurrency),
        '--json',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, ...(options.token ? { IMPORT_TOKEN: options.token } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const sampler = setInterval(() => {
      cliPeak = Math.max(cliPeak, rssMiB(child.pid!) ?? 0);
      if (options.ordersPid) ordersPeak = Math.max(ordersPeak, rssMiB(options.ordersPid) ?? 0);
    }, 200);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // The CLI's progress bar goes on to this process's stderr.
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    clearInterval(sampler);
    if (code !== 0) throw new Error(`the import CLI exited with ${code}`);
    const summary = JSON.parse(stdout.trim().split('\n').pop()!) as {
      imported: number;
      skipped: number;
      rejected: number;
      lines: number;
    };
    const seconds = (Date.now() - started) / 1000;
    const result: ImportBenchResult = {
      lines: summary.lines,
      fileMiB: Math.round((bytes / MiB) * 10) / 10,
      imported: summary.imported,
      skipped: summary.skipped,
      rejected: summary.rejected,
      seconds: Math.round(seconds * 10) / 10,
      // Wall time of the CLI process, start-up included: what an operator waits for.
      linesPerSecond: Math.round(summary.lines / seconds),
      cliPeakRssMiB: cliPeak,
      ordersRssBeforeMiB: ordersRssBefore,
      ordersPeakRssMiB: options.ordersPid ? ordersPeak : null,
    };
    info(
      `imported ${result.imported}, skipped ${result.skipped}, rejected ${result.rejected} in ${result.seconds} s: ` +
        `${result.linesPerSecond} lines/s; peak RSS CLI ${cliPeak} MiB, orders ${result.ordersPeakRssMiB ?? '?'} MiB ` +
        `(${ordersRssBefore ?? '?'} MiB before)`,
    );
    return result;
  } finally {
    unlinkSync(file);
  }
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  const argv = process.argv.slice(2);
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const lines = Number(argv.find((a, i) => /^\d+$/.test(a) && !argv[i - 1]?.startsWith('--')) ?? 200_000);
  const runId = Date.now().toString(36);
  const common = {
    lines,
    batch: Number(option('--batch') ?? 1000),
    concurrency: Number(option('--concurrency') ?? 2),
    runId,
  };
  let result: ImportBenchResult;
  const url = option('--url');
  if (url) {
    const pid = option('--pid');
    result = await runImportBench({ ...common, url, ordersPid: pid ? Number(pid) : undefined });
  } else {
    // The test kit starts a service the way the tests do: its own database, topics and key pair.
    const { startServiceProcess } = await import('@ecom/testing');
    info('starting an orders service of its own (own database and topic prefix)');
    const orders = await startServiceProcess('orders', { env: { LOG_LEVEL: 'warn' } });
    try {
      const token = await orders.tokens.bearer('bench-importer', 'operator');
      result = await runImportBench({ ...common, url: orders.baseUrl, token, ordersPid: orders.pid });
    } finally {
      await orders.close();
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`import bench failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
