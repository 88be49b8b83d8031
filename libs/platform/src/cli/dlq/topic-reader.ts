import type { IncomingMessage, KafkaMessageBus, KafkaTopicAdmin } from '@ecom/messaging';
import { randomBytes } from 'crypto';

export interface TopicReadProgress {
  read: number;
  total: number;
}

export interface TopicReadOptions {
  /** Gives up when the ends are not reached by then (default 60 s). */
  timeoutMs?: number;
  onProgress?: (progress: TopicReadProgress) => void;
}

/**
 * Reads topics from their first kept message to the ends they had when asked, and returns the
 * messages per topic. Kafka clients read through a consumer group: this one has a group of its own,
 * deleted afterwards, so it moves no service's offsets. Meant for small topics (DLQs).
 */
export async function readTopicsToEnd(
  bus: KafkaMessageBus,
  admin: KafkaTopicAdmin,
  topics: readonly string[],
  options: TopicReadOptions = {},
): Promise<Map<string, IncomingMessage[]>> {
  const read = new Map<string, IncomingMessage[]>(topics.map((t) => [t, []]));
  const ends = new Map<string, bigint>();
  let total = 0;
  for (const { topic, partition, low, high } of await admin.topicOffsets([...topics])) {
    if (BigInt(high) <= BigInt(low)) continue;
    ends.set(`${topic}:${partition}`, BigInt(high));
    total += Number(BigInt(high) - BigInt(low));
  }
  if (ends.size === 0) return read;

  let count = 0;
  let reachedEnds!: () => void;
  const done = new Promise<void>((resolve) => (reachedEnds = resolve));
  const groupId = `dlq-reader-${randomBytes(6).toString('hex')}`;
  options.onProgress?.({ read: 0, total });
  const subscription = await bus.subscribe({
    groupId,
    topics: [...new Set([...ends.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))],
    fromBeginning: true,
    handleBatch: async (batch) => {
      const end = ends.get(`${batch.topic}:${batch.partition}`);
      for (const message of batch.messages) {
        if (end === undefined || BigInt(message.offset) >= end) continue;
        read.get(batch.topic)!.push(message);
        count++;
        if (BigInt(message.offset) >= end - 1n) ends.delete(`${batch.topic}:${batch.partition}`);
      }
      batch.markProcessed(batch.messages[batch.messages.length - 1].offset);
      options.onProgress?.({ read: count, total });
      if (ends.size === 0) reachedEnds();
    },
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      done,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`read ${count} of ${total} messages of ${topics.join(', ')} in ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await subscription.stop();
    await deleteGroup(admin, groupId);
  }
  return read;
}

/** The group has just been left; the broker may take a moment to see it empty. */
async function deleteGroup(admin: KafkaTopicAdmin, groupId: string): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      await admin.deleteConsumerGroups([groupId]);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
