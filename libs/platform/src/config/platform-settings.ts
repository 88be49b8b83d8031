import type { KafkaConnectionOptions, KafkaSecurity } from '@ecom/messaging';
import { validateEnvironment, type PlatformSettings } from './environment';
import { kafkaSecurityOf, KafkaSecurityEnvironment } from './kafka-security';
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
    kafkaSecurity: readKafkaSecurity(env),
    runMigrations: (env.MIGRATIONS_RUN ?? 'true') === 'true',
  };
}

/**
 * SASL and TLS of the Kafka clients from KAFKA_SASL_* and KAFKA_TLS*, validated as at a service's
 * start (for the commands that build clients without one): a bad value throws naming the variable.
 */
export function readKafkaSecurity(env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  return kafkaSecurityOf(validateEnvironment(KafkaSecurityEnvironment)(env) as KafkaSecurityEnvironment);
}

/** Where a kafkajs client of this process connects, and how: the one way to build a client's options. */
export function kafkaConnectionOf(settings: PlatformSettings, clientId: string): KafkaConnectionOptions {
  return { brokers: settings.kafkaBrokers, clientId, security: settings.kafkaSecurity };
}
