/**
 * Rebuilds the analytics read models from the event topics (docs/contract.md section 2: every read model
 * can be rebuilt from the log and comes out identical). Stop the live projectors first
 * (kubectl scale deploy/analytics-projector --replicas=0); they resume on the rebuilt generation.
 *
 *   npm run analytics:rebuild
 *   node -r @swc-node/register apps/analytics-projector/src/rebuild.ts
 */
import 'reflect-metadata';
import { replayProgressWriter } from '@ecom/platform';
import { NestFactory } from '@nestjs/core';
import { RebuildModule } from './rebuild/rebuild.module';
import { rebuildReadModels } from './rebuild/rebuild-read-models';

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  const app = await NestFactory.createApplicationContext(RebuildModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  try {
    const result = await rebuildReadModels(app, { onProgress: replayProgressWriter() });
    process.stderr.write('\n');
    console.log(
      `rebuilt generation ${result.generation} (${result.consumer}): ${result.events} events in ` +
        `${result.replaySeconds.toFixed(1)} s = ${result.eventsPerSecond} events/s; ` +
        `${result.stockWarnings.active} active stock warnings (${result.alertsPublished.raised} raised, ` +
        `${result.alertsPublished.cleared} cleared on analytics.alerts); RFM: ${result.rfm.members} members as of ${result.rfm.asOfDay}`,
    );
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error(`analytics rebuild failed: ${(error as Error).message}`);
  process.exit(1);
});
