/**
 * Run as a child process by the outbox test: relays the outbox once and is killed (SIGKILL) right
 * after Kafka acknowledged the batch, before the transaction that deletes the rows can commit.
 * Arguments: <databaseUrl> <topicPrefix>; KAFKA_BROKERS from the environment.
 */
import 'reflect-metadata';
import { KafkaMessageBus } from '@ecom/messaging';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '../outbox/outbox-relay';

async function main(): Promise<void> {
  const [databaseUrl, topicPrefix] = process.argv.slice(2);
  const dataSource = await new DataSource({ type: 'postgres', url: databaseUrl }).initialize();
  const bus = new KafkaMessageBus({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'relay-killed-after-publish',
    topicPrefix,
  });
  const relay = new OutboxRelay(
    dataSource,
    {
      publish: async (messages) => {
        await bus.publish(messages);
        process.kill(process.pid, 'SIGKILL');
      },
    },
    { service: 'test' },
  );
  await relay.relayOnce();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
