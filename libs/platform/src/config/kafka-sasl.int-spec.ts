import { randomBytes } from 'crypto';
import { Topics } from '@ecom/contracts';
import { KafkaLogMethod, KafkaLogRecord, KafkaMessageBus } from '@ecom/messaging';
import { LocalKafkaBroker, startTestService, TestService, waitUntil } from '@ecom/testing';
import { Module } from '@nestjs/common';
import { PlatformModule } from '../platform.module';
import { kafkaConnectionOf, readPlatformSettings } from './platform-settings';
import { ServiceDescriptor } from './service-descriptor';

const descriptor: ServiceDescriptor = {
  name: 'kafka-sasl',
  database: 'ecom_kafka_sasl',
  envPrefix: 'KAFKA_SASL_TEST',
  httpPort: 0,
};

@Module({ imports: [PlatformModule.forService(descriptor)] })
class SaslTestModule {}

const SASL_VARIABLES = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];

/**
 * A managed cluster asks clients to authenticate: here the test's own broker (infra/kafka/kafka.sh
 * with a SASL_PLAINTEXT listener, mechanism PLAIN), which the shared broker never is. A service
 * configured by KAFKA_SASL_* only reaches Kafka through that listener.
 */
describe('Kafka with SASL/PLAIN credentials', () => {
  const password = randomBytes(12).toString('hex');
  let broker: LocalKafkaBroker;
  let service: TestService;

  beforeAll(async () => {
    broker = await LocalKafkaBroker.create({ saslPlainUsers: { ecom: password } });
    await broker.start();
    service = await startTestService(SaslTestModule, descriptor, {
      env: {
        KAFKA_BROKERS: broker.saslBrokers,
        KAFKA_SASL_MECHANISM: 'PLAIN',
        KAFKA_SASL_USERNAME: 'ecom',
        KAFKA_SASL_PASSWORD: password,
      },
    });
  }, 150_000);

  afterAll(async () => {
    await service?.close();
    await broker?.destroy();
    for (const name of SASL_VARIABLES) delete process.env[name];
  }, 90_000);

  it('lets a service with the right credentials create its topics, publish and consume', async () => {
    // The broker creates no topic on its own: publishing proves the service's admin client created them.
    const bus = service.app.get(KafkaMessageBus);
    const received: string[] = [];
    const subscription = await bus.subscribe({
      groupId: 'sasl-check',
      topics: [Topics.catalog],
      fromBeginning: true,
      handleBatch: async (batch) => {
        for (const message of batch.messages) {
          received.push(message.value?.toString() ?? '');
          batch.markProcessed(message.offset);
        }
      },
    });
    try {
      await bus.publish([{ topic: Topics.catalog, key: 'k', value: 'over-sasl' }]);
      await waitUntil(() => received.includes('over-sasl'), {
        timeoutMs: 30_000,
        message: 'the message consumed through the SASL listener',
      });
      expect(received).toEqual(['over-sasl']);
    } finally {
      await subscription.stop();
    }
  }, 60_000);

  it('refuses a wrong password with an authentication error, and logs neither password', async () => {
    const wrongPassword = randomBytes(12).toString('hex');
    const logged: { method: KafkaLogMethod; context: string; record: KafkaLogRecord }[] = [];
    const settings = readPlatformSettings(descriptor, { ...process.env, KAFKA_SASL_PASSWORD: wrongPassword });
    const bus = new KafkaMessageBus({
      ...kafkaConnectionOf(settings, 'wrong-password'),
      topicPrefix: service.topicPrefix,
      logSink: (method, context, record) => logged.push({ method, context, record }),
    });
    try {
      await expect(bus.publish([{ topic: Topics.catalog, key: 'k', value: 'refused' }])).rejects.toThrow(
        /SASL PLAIN authentication failed/,
      );
    } finally {
      await bus.close();
    }
    const errors = logged.filter((line) => line.method === 'error');
    expect(errors.map((line) => JSON.stringify(line.record)).join('\n')).toMatch(
      /SASL PLAIN authentication failed/,
    );
    expect(errors.every((line) => line.context.startsWith('kafkajs.'))).toBe(true);
    const everything = JSON.stringify(logged);
    expect(everything).not.toContain(wrongPassword);
    expect(everything).not.toContain(password);
  }, 60_000);
});
