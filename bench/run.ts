/**
 * `npm run bench` (-- --quick for the smoke run): measures the stack end to end through its public
 * APIs, phase by phase, against the targets, with reference limits of the layers underneath taken in
 * the same run. Uses a running stack or starts one (and then stops the apps it started). Progress on
 * stderr; the tables on stdout; everything in bench/results/<timestamp>.json. Exits non-zero when a
 * correctness check fails (flash sale oversold or undersold, a phase that did nothing, any 5xx).
 */
import { randomBytes } from 'crypto';
import { cpus, loadavg } from 'os';
import { join } from 'path';
import { clientsFor, closeAll } from './lib/api';
import { connect } from './lib/pg';
import { parseArgs } from './lib/profile';
import { info, phase, resetClock, warn } from './lib/progress';
import {
  BenchReport,
  cpuTable,
  gitState,
  latencyTable,
  markdownTable,
  readsTable,
  RunMeta,
} from './lib/report';
import { Results } from './lib/results';
import { seedShop } from './lib/seed';
import { ensureStack, ROOT, waitReady } from './lib/stack';
import { writeJson } from './lib/write-json';
import { analyticsQueries } from './phases/analytics-queries';
import { cleanup } from './phases/cleanup';
import { BenchContext } from './phases/context';
import { flashSale } from './phases/flash-sale';
import { fullLoop } from './phases/full-loop';
import { idle } from './phases/idle';
import { importHistory } from './phases/import';
import { intake } from './phases/intake';
import { projectorReplay } from './phases/projector-replay';
import { references } from './phases/references';
import { storefrontReads } from './phases/storefront-reads';

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const { profile } = options;
  resetClock();
  const git = gitState();
  const startedAt = new Date();
  // Unique names per run (categories, SKUs, members, scratch topics), so runs can repeat on one stack.
  const runId = `${startedAt.getTime().toString(36)}${randomBytes(2).toString('hex')}`;
  const meta: RunMeta = {
    mode: profile.mode,
    startedAt: startedAt.toISOString(),
    gitCommit: git.commit,
    gitDirty: git.dirty,
    node: process.version,
    cpus: cpus().length,
    loadAverageStart: load(),
    stackStartedByBench: [],
  };
  phase(
    `ecom bench (${profile.mode}) run ${runId} at ${git.commit.slice(0, 12)}${git.dirty ? ' (dirty)' : ''}`,
  );
  info(`load average ${meta.loadAverageStart.join(' ')} on ${meta.cpus} cores`);

  const results = new Results();
  const stack = await ensureStack();
  meta.stackStartedByBench = stack.started;
  let stopping: Promise<void> | undefined;
  const stopStack = () => (stopping ??= stack.stop());
  const interrupted = () => void stopStack().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const control = clientsFor(8, { waitWhenRefused: true });
  const pg = await connect();
  try {
    await waitReady();
    phase('seeding through the REST API');
    const shop = await seedShop(control, { runId, ...profile.seed });
    const ctx: BenchContext = { profile, shop, control, pg, results, unpaid: new Set() };
    const largest = Math.max(...profile.fullLoop.shoppers);
    const steps: [string, () => Promise<void>][] = [
      ['idle', () => idle(ctx)],
      [
        'full-loop',
        async () => {
          for (const shoppers of profile.fullLoop.shoppers)
            await fullLoop(ctx, shoppers, shoppers === largest);
        },
      ],
      ['intake', () => intake(ctx)],
      ['flash-sale', () => flashSale(ctx)],
      ['analytics', () => analyticsQueries(ctx)],
      ['storefront', () => storefrontReads(ctx)],
      ['replay', () => projectorReplay(ctx)],
      ['references', () => references(ctx)],
      ['import', () => importHistory(ctx, runId)],
    ];
    // Opt-in phases: they add much to the stack's data, so only a run that names them runs them.
    const optIn = ['import'];
    for (const [name, step] of steps) {
      if (options.phases ? !options.phases.includes(name) : optIn.includes(name)) continue;
      try {
        await step();
      } catch (error) {
        // One broken phase must not hide the others' figures: record it and go on.
        warn(`phase ${name} failed: ${(error as Error).stack ?? String(error)}`);
        results.check(`phase ${name} completed`, false, (error as Error).message);
      }
    }
    if (options.cleanup) await cleanup(ctx);
  } catch (error) {
    warn(`run failed: ${(error as Error).stack ?? String(error)}`);
    results.check('run completed', false, (error as Error).message);
  } finally {
    await closeAll(control);
    await pg.end();
    await stopStack();
  }
  results.checkLoads();

  const finishedAt = new Date();
  meta.finishedAt = finishedAt.toISOString();
  meta.durationSeconds = Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000);
  meta.loadAverageEnd = load();
  const report: BenchReport = {
    meta,
    figures: results.figures(),
    checks: results.checks,
    details: results.details,
  };

  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const out =
    options.out ?? join(ROOT, 'bench', 'results', `${stamp}${profile.mode === 'quick' ? '-quick' : ''}.json`);
  await writeJson(out, report);
  // The latest complete full run is kept in git (docs/PERFORMANCE.md quotes it).
  if (!options.out && profile.mode === 'full' && !options.phases)
    await writeJson(join(ROOT, 'bench', 'results', 'latest.json'), report);

  const failed = report.checks.filter((c) => !c.ok);
  const lines = [
    `## ecom bench (${profile.mode}), ${meta.startedAt}`,
    '',
    `commit ${meta.gitCommit}${meta.gitDirty ? ' (working tree dirty)' : ''}; node ${meta.node}; ${meta.cpus} cores; ` +
      `load average ${meta.loadAverageStart.join(' ')} at start, ${meta.loadAverageEnd.join(' ')} at end; ` +
      `${meta.durationSeconds} s`,
    '',
    markdownTable(report.figures),
    '',
    '### Full loop latency (ms)',
    '',
    latencyTable(report.details),
    '',
    '### CPU ms per paid order, by process',
    '',
    cpuTable(report.details),
    '',
    '### Read endpoints',
    '',
    readsTable(report.details),
    '',
    '### Checks',
    '',
    ...report.checks.map((c) => `- ${c.ok ? 'ok' : 'FAIL'}: ${c.name} (${c.detail})`),
    '',
    `results: ${out}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (failed.length) process.stdout.write(`\nFAIL: ${failed.map((c) => c.name).join('; ')}\n`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
