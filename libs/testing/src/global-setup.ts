import { dockerAvailable, TestInfrastructure, testInfrastructure } from './test-infrastructure';

type Stoppable = { stop(): Promise<unknown> };
const started: Stoppable[] = [];

/**
 * Jest global setup: with no servers named in the environment and a Docker engine present, starts
 * PostgreSQL, Redis and Kafka containers once for the whole run and hands their addresses to the
 * test workers through ECOM_TEST_INFRA.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.ECOM_TEST_INFRA) return;
  const configured = testInfrastructure();
  if (configured.source === 'environment' || !dockerAvailable()) {
    process.env.ECOM_TEST_INFRA = JSON.stringify(configured);
    return;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { RedisContainer } = await import('@testcontainers/redis');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const [postgres, redis, kafka] = await Promise.all([
    new PostgreSqlContainer('postgres:16-alpine').withUsername('postgres').withPassword('postgres').start(),
    new RedisContainer('redis:7-alpine').start(),
    new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start(),
  ]);
  started.push(postgres, redis, kafka);
  const infra: TestInfrastructure = {
    databaseUrl: postgres.getConnectionUri(),
    redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    source: 'testcontainers',
  };
  process.env.ECOM_TEST_INFRA = JSON.stringify(infra);
  (globalThis as { __ECOM_CONTAINERS__?: Stoppable[] }).__ECOM_CONTAINERS__ = started;
}
