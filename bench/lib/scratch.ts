/**
 * Scratch resources a phase creates and always removes: a database on the local server and a set of
 * event topics under a prefix of its own (so nothing of the running stack is touched).
 */
import { ALL_TOPICS, dlqTopicOf } from '@ecom/contracts';
import { eventTopicSpecs, KafkaTopicAdmin } from '@ecom/messaging';
import { connect, SERVER_URL } from './pg';
import { BROKERS } from './kafka';

export interface Scratch {
  databaseUrl: string;
  prefix: string;
  /** Variables that point a service (or the rebuild command) at the scratch database and topics. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function createScratch(name: string, partitions: number): Promise<Scratch> {
  const database = `bench_${name}`.replace(/[^a-z0-9_]/g, '_');
  const admin = await connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  const prefix = `bench-${name.replace(/_/g, '-')}.`;
  const topics = new KafkaTopicAdmin({ brokers: BROKERS, clientId: 'ecom-bench', topicPrefix: prefix });
  await topics.ensureTopics(eventTopicSpecs(partitions));
  return {
    databaseUrl: url.toString(),
    prefix,
    env: {
      ANALYTICS_DATABASE_URL: url.toString(),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: String(partitions),
      REDIS_KEY_PREFIX: prefix,
      STOCK_WARNING_INTERVAL_MS: '0',
      RFM_RECOMPUTE_INTERVAL_MS: '0',
      LOG_LEVEL: 'error',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    },
    cleanup: async () => {
      await topics.deleteTopics(ALL_TOPICS.flatMap((t) => [t, dlqTopicOf(t)])).catch(() => undefined);
      const client = await connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
