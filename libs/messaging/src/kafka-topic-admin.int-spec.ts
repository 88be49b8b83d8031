import { Topics } from '@ecom/contracts';
import {
  createTestTopics,
  deleteTestTopics,
  testInfrastructure,
  testMessageBus,
  uniqueTopicPrefix,
} from '@ecom/testing';
import { KafkaTopicAdmin } from './kafka-topic-admin';
import { eventTopicSpecs } from './event-topics';

describe('KafkaTopicAdmin.emptyTopics (Kafka)', () => {
  let prefix: string;
  let admin: KafkaTopicAdmin;

  beforeAll(async () => {
    prefix = uniqueTopicPrefix('empty');
    await createTestTopics(prefix, 2);
    admin = new KafkaTopicAdmin({
      brokers: testInfrastructure().kafkaBrokers,
      clientId: 'test-admin',
      topicPrefix: prefix,
    });
  });

  afterAll(() => deleteTestTopics(prefix));

  it('recreates empty exactly the topics that held messages, with their partitions, and leaves the others', async () => {
    const bus = testMessageBus(prefix);
    try {
      await bus.publish([
        { topic: Topics.orders, key: 'a', value: 'an event of a database that is gone' },
        { topic: Topics.orders, key: 'b', value: 'another' },
        { topic: Topics.catalog, key: 'c', value: 'one more' },
      ]);
    } finally {
      await bus.close();
    }
    const specs = eventTopicSpecs(2);
    const messages = async (topic: string) =>
      (await admin.topicOffsets([topic])).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    expect(await messages(Topics.orders)).toBe(2);

    expect((await admin.emptyTopics(specs)).sort()).toEqual([Topics.catalog, Topics.orders].sort());
    expect(await messages(Topics.orders)).toBe(0);
    expect(await messages(Topics.catalog)).toBe(0);
    expect(await admin.topicOffsets([Topics.orders])).toHaveLength(2);
    // Nothing left to empty: a second call changes nothing.
    expect(await admin.emptyTopics(specs)).toEqual([]);
  });
});
