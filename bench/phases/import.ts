/**
 * Phase "import" (opt-in: `npm run bench -- --phases import`): the order-history import through its
 * CLI into the stack's orders service, with the memory of the CLI and of orders sampled. It adds
 * `profile.importHistory.lines` past orders (and their members) to the stack, which is why a full run
 * does not include it unless asked.
 */
import { ADMIN } from '../lib/api';
import { PORTS, recordedPid } from '../lib/stack';
import { runImportBench } from '../import/import-history';
import { BenchContext } from './context';

export async function importHistory(ctx: BenchContext, runId: string): Promise<void> {
  const { profile, results } = ctx;
  process.env.IMPORT_EMAIL ??= ADMIN.email;
  process.env.IMPORT_PASSWORD ??= ADMIN.password;
  const result = await runImportBench({
    lines: profile.importHistory.lines,
    batch: profile.importHistory.batch,
    concurrency: 2,
    url: `http://127.0.0.1:${PORTS.orders}`,
    ordersPid: recordedPid('orders'),
    runId,
  });
  results.detail('importHistory', result);
  results.check(
    'import: every generated line imported',
    result.imported === result.lines && result.rejected === 0,
    `${result.imported} imported, ${result.skipped} skipped, ${result.rejected} rejected of ${result.lines}`,
  );
  results.figure({
    id: 'import.linesPerSecond',
    label: `order-history import through the CLI (${result.lines} lines)`,
    value: result.linesPerSecond,
    unit: 'lines/s',
  });
  results.figure({
    id: 'import.cliPeakRss',
    label: 'import CLI peak RSS',
    value: result.cliPeakRssMiB,
    unit: 'MiB',
  });
  results.figure({
    id: 'import.ordersPeakRss',
    label: 'orders service peak RSS during the import',
    value: result.ordersPeakRssMiB,
    unit: 'MiB',
    note:
      result.ordersRssBeforeMiB === null
        ? 'no orders pid recorded'
        : `${result.ordersRssBeforeMiB} MiB before`,
  });
}
