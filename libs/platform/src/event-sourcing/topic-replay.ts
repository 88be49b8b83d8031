import type { IdempotentEventConsumer } from '@ecom/event-sourcing';
import type { KafkaTopicAdmin, MessageSubscriber } from '@ecom/messaging';

export interface ReplayProgress {
  /** Messages read so far (of every type, including those the consumer skips). */
  done: number;
  /** Messages on the topics when the replay started: what it reads before it stops. */
  total: number;
  elapsedMs: number;
  eventsPerSecond: number;
}

export interface ReplayOptions {
  onProgress?: (progress: ReplayProgress) => void;
  progressIntervalMs?: number;
  /** Gives up when the replay makes no progress for this long. */
  stallTimeoutMs?: number;
  /** The consumer group the replay takes over from: deleted once the replay is done (if it has no members). */
  retires?: string;
}

export interface TopicReplay {
  /** Reads the topics as one batch of a partition after another, as a Kafka consumer would. */
  consumer: Pick<IdempotentEventConsumer, 'name' | 'handleBatch'>;
  topics: readonly string[];
  partitionsConsumedConcurrently?: number;
  subscriber: MessageSubscriber;
  topicAdmin: Pick<KafkaTopicAdmin, 'topicOffsets' | 'deleteConsumerGroups'>;
}

/**
 * Replays topics from their beginning through a consumer under a new group (its name), until every
 * partition reached the end it had when the replay started: a read model's rebuild. The group keeps
 * its offsets, so a live consumer of that name started afterwards continues where the replay stopped.
 */
export async function replayTopics(
  replay: TopicReplay,
  options: ReplayOptions = {},
): Promise<ReplayProgress> {
  const { consumer, subscriber, topicAdmin } = replay;
  const topics = [...replay.topics];
  const lastOffsets = new Map<string, bigint>();
  let total = 0;
  for (const o of await topicAdmin.topicOffsets(topics)) {
    const size = BigInt(o.high) - BigInt(o.low);
    if (size > 0n) {
      lastOffsets.set(`${o.topic}:${o.partition}`, BigInt(o.high) - 1n);
      total += Number(size);
    }
  }

  const started = Date.now();
  let done = 0;
  let lastProgressAt = Date.now();
  const reached = new Map<string, bigint>();
  const complete = () => [...lastOffsets].every(([key, last]) => (reached.get(key) ?? -1n) >= last);
  const progress = (): ReplayProgress => {
    const elapsedMs = Date.now() - started;
    return {
      done,
      total,
      elapsedMs,
      eventsPerSecond: elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0,
    };
  };

  let finish!: () => void;
  let fail!: (error: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const subscription =
    total === 0
      ? undefined
      : await subscriber.subscribe({
          groupId: consumer.name,
          topics,
          fromBeginning: true,
          partitionsConsumedConcurrently: replay.partitionsConsumedConcurrently,
          handleBatch: async (batch) => {
            await consumer.handleBatch(batch);
            const last = BigInt(batch.messages[batch.messages.length - 1].offset);
            const key = `${batch.topic}:${batch.partition}`;
            if (last > (reached.get(key) ?? -1n)) reached.set(key, last);
            done += batch.messages.length;
            lastProgressAt = Date.now();
            if (complete()) finish();
          },
        });
  const stallTimeoutMs = options.stallTimeoutMs ?? 120_000;
  const ticker = setInterval(() => {
    options.onProgress?.(progress());
    if (Date.now() - lastProgressAt > stallTimeoutMs) {
      fail(new Error(`replay made no progress for ${stallTimeoutMs} ms`));
    }
  }, options.progressIntervalMs ?? 500);
  try {
    if (total > 0) await finished;
  } finally {
    clearInterval(ticker);
    await subscription?.stop();
  }
  const result = progress();
  options.onProgress?.(result);
  if (options.retires) await topicAdmin.deleteConsumerGroups([options.retires]).catch(() => undefined);
  return result;
}
