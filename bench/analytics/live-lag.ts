/**
 * Live lag benchmark: runs the projector and feeds it a synthetic shop at a steady rate
 * (BENCH_RATE events/s, default 500, for BENCH_SECONDS, default 30), printing once a second how
 * far behind it is (events published but not yet applied, and the projector's own lag in seconds),
 * then the median, 95th percentile and maximum.
 *
 *   node -r @swc-node/register bench/analytics/live-lag.ts
 */
import './quiet';
import 'reflect-metadata';
import { countProcessedEvents, processedTimes } from '@ecom/event-sourcing';
import { KafkaMessageBus } from '@ecom/messaging';
import { SERVICES, startService } from '@ecom/platform';
import { DataSource } from 'typeorm';
import { AppModule } from '../../apps/analytics-projector/src/app.module';
import { PROJECTED_EVENT_TYPES } from '../../apps/analytics-projector/src/projection/analytics-projection';
import { ProjectorRunner } from '../../apps/analytics-projector/src/runner/projector-runner';
import { benchEnvironment, publish, Workload } from './workload';

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function main(): Promise<void> {
  const rate = Number(process.env.BENCH_RATE ?? 500);
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  const env = await benchEnvironment('live', Number(process.env.BENCH_PARTITIONS ?? 6));
  const app = await startService(AppModule, SERVICES.analyticsProjector, { httpPort: 0, host: '127.0.0.1' });
  const bus = new KafkaMessageBus({
    brokers: env.brokers,
    clientId: 'bench-producer',
    topicPrefix: env.prefix,
  });
  try {
    const runner = app.get(ProjectorRunner);
    const dataSource = app.get(DataSource);
    for (let i = 0; !runner.status().running; i++) {
      if (i > 600) throw new Error('projector did not start consuming');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const handled = new Set<string>(PROJECTED_EVENT_TYPES);
    const workload = new Workload();
    let published = 0;
    const setup = workload.setup(new Date());
    await publish(bus, setup);
    published += setup.filter((e) => handled.has(e.type)).length;
    const applied = async () =>
      (await countProcessedEvents(dataSource, { prefix: 'analytics-projector' })) ?? 0;

    const lagEvents: number[] = [];
    const lagSeconds: number[] = [];
    const started = Date.now();
    let tick = 0;
    // Producer: every 100 ms, enough whole sessions to keep the average at `rate` events/s.
    let sent = 0;
    const producer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) / 1000) * rate) - sent;
      const batch = [];
      while (batch.length < due) batch.push(...workload.session(new Date()));
      sent += batch.length;
      published += batch.filter((e) => handled.has(e.type)).length;
      void publish(bus, batch);
    }, 100);
    const sampler = setInterval(async () => {
      tick++;
      const behind = Math.max(0, published - (await applied()));
      const status = runner.status();
      if (tick > 2) {
        // The first seconds include the consumer joining its group.
        lagEvents.push(behind);
        lagSeconds.push(status.lagSeconds);
      }
      console.log(
        `t=${String(tick).padStart(3)}s  published ${published}  applied ${published - behind}  ` +
          `lag ${behind} events (consumer: ${status.lagEvents} messages, ${status.lagSeconds} s)`,
      );
    }, 1000);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    clearInterval(producer);
    clearInterval(sampler);
    const drainStarted = Date.now();
    while ((await applied()) < published) await new Promise((resolve) => setTimeout(resolve, 50));
    // End to end: from the event's occurredAt (set when the producer built it) to the commit that applied it.
    const visits: { event_id: string; occurred_at: Date }[] = await dataSource.query(
      `SELECT event_id, occurred_at FROM an_visitor_events WHERE occurred_at > $1`,
      [new Date(started + 3000)],
    );
    const processed = await processedTimes(
      dataSource,
      { prefix: 'analytics-projector' },
      visits.map((v) => v.event_id),
    );
    const latencies = visits
      .filter((v) => processed.has(v.event_id))
      .map((v) => processed.get(v.event_id)!.getTime() - v.occurred_at.getTime());
    const latency = {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
    };
    const ms = (x: unknown) => `${Math.round(Number(x))} ms`;
    console.log(
      `end-to-end latency (occurredAt -> applied, after warm-up): p50 ${ms(latency.p50)}, p95 ${ms(latency.p95)}, ` +
        `p99 ${ms(latency.p99)}, max ${ms(latency.max)}`,
    );
    console.log(
      `steady ${rate} events/s for ${seconds} s (${sent} events): lag p50 ${percentile(lagEvents, 50)} / ` +
        `p95 ${percentile(lagEvents, 95)} / max ${Math.max(...lagEvents)} events; consumer lag p50 ` +
        `${percentile(lagSeconds, 50)} s / p95 ${percentile(lagSeconds, 95)} s / max ${Math.max(...lagSeconds)} s; ` +
        `drained ${Date.now() - drainStarted} ms after the producer stopped`,
    );
  } finally {
    await bus.close();
    await app.close();
    await env.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
