import type { PlatformSettings } from './environment';
import type { ServiceDescriptor } from './service-descriptor';
import { resolveDatabaseUrl } from '../database/database-url';

export function readPlatformSettings(
  service: ServiceDescriptor,
  env: NodeJS.ProcessEnv = process.env,
): PlatformSettings {
  return {
    databaseUrl: resolveDatabaseUrl(service, env),
    databasePoolSize: Number(env.DATABASE_POOL_SIZE ?? 10),
    databaseConsumerPoolSize: Number(env.DATABASE_CONSUMER_POOL_SIZE ?? 4),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? '',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    kafkaTopicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
    kafkaTopicPartitions: Number(env.KAFKA_TOPIC_PARTITIONS ?? 6),
    runMigrations: (env.MIGRATIONS_RUN ?? 'true') === 'true',
  };
}
