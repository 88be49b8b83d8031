import { randomBytes } from 'crypto';
import { ALL_TOPICS, EventEnvelope } from '@ecom/contracts';
import {
  eventTopicSpecs,
  IncomingMessage,
  KafkaMessageBus,
  KafkaTopicAdmin,
  Subscription,
} from '@ecom/messaging';
import { testInfrastructure } from './test-infrastructure';

/** A topic prefix of its own for one test file: its topics and groups are invisible to other suites. */
export function uniqueTopicPrefix(label = 't'): string {
  return `${label}-${randomBytes(4).toString('hex')}.`;
}

/** Creates every topic of docs/contract.md section 3 (and DLQs) under the prefix. */
export async function createTestTopics(prefix: string, partitions = 3): Promise<void> {
  const admin = new KafkaTopicAdmin({
    brokers: testInfrastructure().kafkaBrokers,
    clientId: 'test-admin',
    topicPrefix: prefix,
  });
  await admin.ensureTopics(eventTopicSpecs(partitions));
}

export async function deleteTestTopics(prefix: string): Promise<void> {
  const admin = new KafkaTopicAdmin({
    brokers: testInfrastructure().kafkaBrokers,
    clientId: 'test-admin',
    topicPrefix: prefix,
  });
  const topics = ALL_TOPICS.flatMap((t) => [t, `${t}.dlq`]);
  await admin.deleteTopics(topics).catch(() => undefined);
}

export function testMessageBus(prefix: string, clientId = 'test'): KafkaMessageBus {
  return new KafkaMessageBus({ brokers: testInfrastructure().kafkaBrokers, clientId, topicPrefix: prefix });
}

export async function waitUntil<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 20_000, intervalMs = 50, message = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Reads topics from the beginning and keeps every message, so a test can assert on what a service
 * published: `await probe.waitFor((m) => m.some(...))`.
 */
export class TopicProbe {
  readonly messages: IncomingMessage[] = [];
  private subscription?: Subscription;

  private constructor(private readonly bus: KafkaMessageBus) {}

  static async start(prefix: string, topics: string[]): Promise<TopicProbe> {
    const probe = new TopicProbe(testMessageBus(prefix, 'topic-probe'));
    probe.subscription = await probe.bus.subscribe({
      groupId: `probe-${randomBytes(4).toString('hex')}`,
      topics,
      fromBeginning: true,
      handleBatch: async (batch) => {
        probe.messages.push(...batch.messages);
        batch.markProcessed(batch.messages[batch.messages.length - 1].offset);
      },
    });
    return probe;
  }

  events(): EventEnvelope[] {
    return this.messages
      .filter((m) => m.value)
      .map((m) => JSON.parse(m.value!.toString('utf8')) as EventEnvelope);
  }

  async waitForEvents(
    predicate: (events: EventEnvelope[]) => boolean,
    options: { timeoutMs?: number; message?: string } = {},
  ): Promise<EventEnvelope[]> {
    return waitUntil(() => (predicate(this.events()) ? this.events() : undefined), {
      timeoutMs: options.timeoutMs ?? 20_000,
      message: options.message ?? 'events on the topic',
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.bus.close();
  }
}
