/**
 * Runs the analytics rebuild (the code of `npm run analytics:rebuild`) in a process of its own,
 * against whatever database and topic prefix the environment names (the replay phase points it at
 * scratch copies). Progress goes to stderr; the result is the last line on stdout, as JSON.
 */
import '../analytics/quiet';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { RebuildModule } from '../../apps/analytics-projector/src/rebuild/rebuild.module';
import { rebuildReadModels } from '../../apps/analytics-projector/src/rebuild/rebuild-read-models';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(RebuildModule, { logger: ['error'] });
  try {
    let lastPrinted = 0;
    const result = await rebuildReadModels(app, {
      progressIntervalMs: 250,
      onProgress: (p) => {
        if (Date.now() - lastPrinted < 2000 && p.done < p.total) return;
        lastPrinted = Date.now();
        process.stderr.write(`[replay] ${p.done}/${p.total} events, ${p.eventsPerSecond} events/s\n`);
      },
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`replay failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
