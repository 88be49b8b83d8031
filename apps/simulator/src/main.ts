/**
 * The sales-day simulator: seeds a shop, imports an order history and drives a live sales day
 * through the public REST and gRPC APIs, then prints what analytics says next to its own bookkeeping.
 *
 *   npm run simulate -- --shoppers 2000 --history-days 180 --seed 7 [--out report.json]
 *
 * Options: apps/simulator/README.md (or --help). Progress goes to stderr, the summary to stdout.
 * Exit code 0 when the run completed (the checks are reported, not enforced: a stack that held data
 * before the run counts more than the run did), 2 for bad options or a shop this prefix already
 * seeded, 1 when a stage failed.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { dirname } from 'path';
import { OptionsError, parseOptions, USAGE } from './options/simulator-options';
import { simulate } from './simulator';
import { AlreadySimulatedError } from './stages/catalog.stage';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (line: string) => process.stderr.write(`[simulate] ${line}\n`);
  try {
    const { report, text } = await simulate(options, log);
    process.stdout.write(`${text}\n`);
    if (options.out) {
      mkdirSync(dirname(options.out), { recursive: true });
      writeFileSync(options.out, JSON.stringify(report, null, 2) + '\n');
      log(`report written to ${options.out}`);
    }
    const failed = report.checks.filter((c) => !c.ok).length;
    log(
      `done in ${report.run.seconds} s; ${report.checks.length - failed} of ${report.checks.length} checks hold` +
        (failed
          ? ' (on a stack that held data before this run, analytics counts more than the run did)'
          : ''),
    );
    return 0;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (error instanceof AlreadySimulatedError || cause instanceof AlreadySimulatedError) {
      log((error as Error).message);
      return 2;
    }
    log(`failed: ${(error as Error).message}`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`[simulate] failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
