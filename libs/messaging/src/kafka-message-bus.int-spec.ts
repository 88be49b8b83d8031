import { Topics } from '@ecom/contracts';
import {
  createTestTopics,
  deleteTestTopics,
  testMessageBus,
  uniqueTopicPrefix,
  waitUntil,
} from '@ecom/testing';
import { KafkaJSNonRetriableError } from 'kafkajs';
import type { KafkaMessageBus } from './kafka-message-bus';

describe('KafkaMessageBus subscriptions (Kafka)', () => {
  let prefix: string;
  let bus: KafkaMessageBus;

  beforeAll(async () => {
    prefix = uniqueTopicPrefix('bus');
    await createTestTopics(prefix, 1);
    bus = testMessageBus(prefix);
  });

  afterAll(async () => {
    await bus?.close();
    await deleteTestTopics(prefix);
  });

  it('keeps consuming after kafkajs gave its consumer up on an error it deems not retriable', async () => {
    // What a broker restart can cause ("Failed to find group coordinator"): kafkajs disconnects the
    // consumer for good. The bus must start a new one, which gets the uncommitted message again.
    const seen: string[] = [];
    let crashed = false;
    const subscription = await bus.subscribe({
      groupId: 'survives-a-crash',
      topics: [Topics.catalog],
      fromBeginning: true,
      handleBatch: async (batch) => {
        if (!crashed) {
          crashed = true;
          throw new KafkaJSNonRetriableError('Failed to find group coordinator');
        }
        for (const message of batch.messages) {
          seen.push(message.value?.toString() ?? '');
          batch.markProcessed(message.offset);
        }
      },
    });
    try {
      await bus.publish([{ topic: Topics.catalog, key: 'k', value: 'after-the-crash' }]);
      await waitUntil(() => seen.includes('after-the-crash'), {
        timeoutMs: 60_000,
        message: 'the message consumed by a restarted consumer',
      });
      expect(crashed).toBe(true);
    } finally {
      await subscription.stop();
    }
  });
});
