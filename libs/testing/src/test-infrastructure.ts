import { execSync } from 'child_process';

/**
 * Where the tests find PostgreSQL, Redis and Kafka, decided in this one place:
 *  1. DATABASE_URL / REDIS_URL / KAFKA_BROKERS when set (CI, or your own servers);
 *  2. otherwise, where a Docker engine answers, testcontainers started by the jest global setup;
 *  3. otherwise the local servers on 127.0.0.1 started by `npm run infra:up`.
 */
export interface TestInfrastructure {
  /** Server URL; tests create their own databases on it. */
  databaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string[];
  source: 'environment' | 'testcontainers' | 'local';
}

const LOCAL: Omit<TestInfrastructure, 'source'> = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: 'redis://127.0.0.1:6379',
  kafkaBrokers: ['127.0.0.1:9092'],
};

export function dockerAvailable(): boolean {
  if (process.env.TESTCONTAINERS_DISABLED === 'true') return false;
  try {
    execSync('docker info', { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export function testInfrastructure(): TestInfrastructure {
  const env = process.env;
  if (env.ECOM_TEST_INFRA) return JSON.parse(env.ECOM_TEST_INFRA) as TestInfrastructure;
  const fromEnv = !!(env.DATABASE_URL || env.REDIS_URL || env.KAFKA_BROKERS);
  return {
    databaseUrl: env.DATABASE_URL ?? LOCAL.databaseUrl,
    redisUrl: env.REDIS_URL ?? LOCAL.redisUrl,
    kafkaBrokers: env.KAFKA_BROKERS ? env.KAFKA_BROKERS.split(',') : LOCAL.kafkaBrokers,
    source: fromEnv ? 'environment' : 'local',
  };
}
