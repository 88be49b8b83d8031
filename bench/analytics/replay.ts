/**
 * Replay benchmark: publishes a synthetic shop's events (BENCH_EVENTS, default 50000) to fresh topics,
 * then rebuilds the analytics read models from them with the rebuild command's code, printing the
 * progress bar and the replay rate in events/s.
 *
 *   node -r @swc-node/register bench/analytics/replay.ts
 */
import './quiet';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { KafkaMessageBus } from '@ecom/messaging';
import { replayProgressWriter } from '@ecom/platform';
import { RebuildModule } from '../../apps/analytics-projector/src/rebuild/rebuild.module';
import { rebuildReadModels } from '../../apps/analytics-projector/src/rebuild/rebuild-read-models';
import { benchEnvironment, publish, Workload } from './workload';

async function main(): Promise<void> {
  const target = Number(process.env.BENCH_EVENTS ?? 50_000);
  const partitions = Number(process.env.BENCH_PARTITIONS ?? 6);
  const env = await benchEnvironment('replay', partitions);
  try {
    const workload = new Workload();
    const start = new Date(Date.now() - 3 * 86_400_000);
    const events = workload.setup(start);
    for (let i = 0; events.length < target; i++)
      events.push(...workload.session(new Date(start.getTime() + i * 1000)));
    const bus = new KafkaMessageBus({
      brokers: env.brokers,
      clientId: 'bench-producer',
      topicPrefix: env.prefix,
    });
    const publishStarted = Date.now();
    for (let i = 0; i < events.length; i += 10_000) {
      await publish(bus, events.slice(i, i + 10_000));
      process.stderr.write(`published ${Math.min(i + 10_000, events.length)}/${events.length}\n`);
    }
    await bus.close();
    console.log(
      `published ${events.length} events to ${partitions} partitions per topic in ${((Date.now() - publishStarted) / 1000).toFixed(1)} s`,
    );

    const app = await NestFactory.createApplicationContext(RebuildModule, { logger: ['error'] });
    try {
      const result = await rebuildReadModels(app, {
        onProgress: replayProgressWriter(process.stderr, 1000),
        progressIntervalMs: 250,
      });
      process.stderr.write('\n');
      console.log(
        `replay: ${result.events} events in ${result.replaySeconds.toFixed(1)} s = ${result.eventsPerSecond} events/s ` +
          `(partitions consumed concurrently: ${process.env.PROJECTOR_PARTITIONS_CONCURRENCY ?? 3}); ` +
          `${result.stockWarnings.active} active stock warnings, RFM over ${result.rfm.members} members`,
      );
    } finally {
      await app.close();
    }
  } finally {
    await env.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
