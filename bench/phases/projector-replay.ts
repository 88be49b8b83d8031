/**
 * Phase 4a: the projector's full replay rate. Non-destructive: the newest events of the stack's
 * topics (those this run just produced, and earlier ones up to a cap) are copied to topics under a
 * scratch prefix, topped up with the synthetic shop of bench/analytics/workload.ts when there are
 * too few to time, and the rebuild command's code replays them into a scratch database in a child
 * process. The live projector, its consumer group and the analytics read models are not touched.
 */
import { spawn } from 'child_process';
import { KafkaMessageBus } from '@ecom/messaging';
import { publish, Workload } from '../analytics/workload';
import { kafka, BROKERS } from '../lib/kafka';
import { info, phase } from '../lib/progress';
import { createScratch } from '../lib/scratch';
import { ROOT } from '../lib/stack';
import { copyNewestMessages } from '../lib/topic-copy';
import { BenchContext } from './context';

/** The topics the projector reads (PROJECTED_TOPICS of the projector). */
const PROJECTED = [
  'catalog.events',
  'inventory.events',
  'orders.events',
  'members.events',
  'storefront.behavior',
];

interface RebuildResult {
  events: number;
  total: number;
  replaySeconds: number;
  eventsPerSecond: number;
}

function runChild(env: Record<string, string>): Promise<RebuildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/phases/replay-child.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as RebuildResult);
      else reject(new Error(`replay child exited with ${code}`));
    });
  });
}

export async function projectorReplay(ctx: BenchContext): Promise<void> {
  const { profile, shop, results } = ctx;
  const { minEvents, maxEvents } = profile.replay;
  phase(`projector replay: rebuild of copied events (up to ${maxEvents}) into a scratch database`);
  const client = kafka('ecom-bench');
  const admin = client.admin();
  await admin.connect();
  const partitions = (await admin.fetchTopicOffsets('orders.events')).length;
  await admin.disconnect();

  const scratch = await createScratch(`replay_${shop.runId}`, partitions);
  try {
    const copy = await copyNewestMessages(client, PROJECTED, scratch.prefix, maxEvents);
    info(
      `copied ${copy.copied} events of the stack in ${(copy.ms / 1000).toFixed(1)} s ${JSON.stringify(copy.byTopic)}`,
    );
    let synthetic = 0;
    if (copy.copied < minEvents) {
      const workload = new Workload();
      const at = new Date(Date.now() - 86_400_000);
      const events = workload.setup(at);
      for (let i = 0; copy.copied + events.length < minEvents; i++)
        events.push(...workload.session(new Date(at.getTime() + i * 1000)));
      // kafkajs warns about its v2 partitioner on every new producer; it is not news here.
      process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
      const bus = new KafkaMessageBus({
        brokers: BROKERS,
        clientId: 'ecom-bench',
        topicPrefix: scratch.prefix,
      });
      try {
        await publish(bus, events);
      } finally {
        await bus.close();
      }
      synthetic = events.length;
      info(`topped up with ${synthetic} synthetic events (bench/analytics/workload.ts)`);
    }
    const rebuild = await runChild(scratch.env);
    info(
      `replayed ${rebuild.events} events in ${rebuild.replaySeconds.toFixed(1)} s: ${rebuild.eventsPerSecond} events/s`,
    );
    results.detail('projectorReplay', { copiedFromStack: copy, synthetic, rebuild, partitions });
    results.load('projector-replay', {
      label: 'replay',
      workers: 1,
      ops: rebuild.events,
      ok: rebuild.events,
      elapsedMs: Math.round(rebuild.replaySeconds * 1000),
      okPerSecond: rebuild.eventsPerSecond,
      statuses: {},
      serverErrors: 0,
      latency: { count: 0, min: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 },
    });
    results.figure({
      id: 'projector.replayPerSecond',
      label: `projector full replay (${rebuild.events} events)`,
      value: rebuild.eventsPerSecond,
      unit: 'events/s',
      target: { op: '>=', value: 20_000 },
      referenceId: 'reference.kafkaConsumePerSecond',
    });
  } finally {
    await scratch.cleanup();
  }
}
