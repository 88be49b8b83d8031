/**
 * Copies the newest messages of the stack's event topics into topics under a scratch prefix, same
 * partition, key, value and headers, so a replay can run on real events without touching the live
 * topics, consumer groups or read models. At most `maxMessages` in total, spread over partitions.
 */
import { Kafka } from 'kafkajs';
import { Ticker } from './progress';

export interface CopyResult {
  copied: number;
  byTopic: Record<string, number>;
  ms: number;
}

export async function copyNewestMessages(
  client: Kafka,
  topics: readonly string[],
  prefix: string,
  maxMessages: number,
  timeoutMs = 180_000,
): Promise<CopyResult> {
  const started = Date.now();
  const admin = client.admin();
  await admin.connect();
  const ranges = new Map<string, { start: bigint; end: bigint }>();
  try {
    const offsets = await Promise.all(
      topics.map(async (topic) => ({ topic, parts: await admin.fetchTopicOffsets(topic) })),
    );
    const partitions = offsets.reduce((n, t) => n + t.parts.length, 0);
    const perPartition = BigInt(Math.max(1, Math.ceil(maxMessages / Math.max(1, partitions))));
    for (const { topic, parts } of offsets) {
      for (const p of parts) {
        const low = BigInt(p.low);
        const end = BigInt(p.high);
        const start = end - perPartition > low ? end - perPartition : low;
        if (end > start) ranges.set(`${topic}:${p.partition}`, { start, end });
      }
    }
  } finally {
    await admin.disconnect();
  }
  const total = [...ranges.values()].reduce((n, r) => n + Number(r.end - r.start), 0);
  const byTopic: Record<string, number> = {};
  if (total === 0) return { copied: 0, byTopic, ms: Date.now() - started };

  const producer = client.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const groupId = `${prefix}copy`;
  const consumer = client.consumer({ groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  await producer.connect();
  await consumer.connect();
  let copied = 0;
  const ticker = new Ticker('copying events', () => `${copied}/${total}`).start();
  try {
    const remaining = new Set(ranges.keys());
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}:${batch.partition}`;
        const range = ranges.get(key);
        if (!range) return;
        const messages = batch.messages.filter((m) => {
          const offset = BigInt(m.offset);
          return offset >= range.start && offset < range.end;
        });
        if (messages.length > 0) {
          await producer.send({
            topic: `${prefix}${batch.topic}`,
            acks: -1,
            messages: messages.map((m) => ({
              partition: batch.partition,
              key: m.key,
              value: m.value,
              headers: m.headers,
            })),
          });
          copied += messages.length;
          byTopic[batch.topic] = (byTopic[batch.topic] ?? 0) + messages.length;
        }
        const last = BigInt(batch.messages[batch.messages.length - 1]?.offset ?? '-1');
        if (last >= range.end - 1n) remaining.delete(key);
        if (remaining.size === 0) finish();
      },
    });
    // Start each partition at its range instead of reading the whole history.
    for (const [key, range] of ranges) {
      const at = key.lastIndexOf(':');
      consumer.seek({
        topic: key.slice(0, at),
        partition: Number(key.slice(at + 1)),
        offset: String(range.start),
      });
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`copy incomplete after ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    ticker.stop();
    await consumer.disconnect();
    await producer.disconnect();
    const cleanup = client.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
  return { copied, byTopic, ms: Date.now() - started };
}
