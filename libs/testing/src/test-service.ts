import { randomBytes } from 'crypto';
import { createServer } from 'net';
import { TestTokens } from '@ecom/auth';
import { ServiceDescriptor, startService } from '@ecom/platform';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from './test-database';
import { createTestTopics, deleteTestTopics, uniqueTopicPrefix } from './test-kafka';
import { testInfrastructure } from './test-infrastructure';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A service a test talks to, running in the test's process or as a child process. */
export interface RunningService {
  baseUrl: string;
  grpcAddress?: string;
  tokens: TestTokens;
  topicPrefix: string;
  database: TestDatabase;
  /** fetch against the service: `await svc.http('/v1/products', { method: 'POST', token, body })`. */
  http: ServiceHttp;
  close(): Promise<void>;
}

export type ServiceHttp = (
  path: string,
  init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> },
) => Promise<{
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}>;

/** A service started in the test's own process: the test may also reach into its Nest application. */
export interface TestService extends RunningService {
  app: NestFastifyApplication;
}

export interface TestServiceOptions {
  /** Share a database/topic prefix with another service or a second instance of the same one. */
  database?: TestDatabase;
  topicPrefix?: string;
  tokens?: TestTokens;
  env?: Record<string, string>;
  partitions?: number;
}

/**
 * Starts a real service the way main.ts does (startService), on its own database, topic prefix and
 * Redis key prefix, with a test key pair for tokens, on free ports of 127.0.0.1.
 */
export async function startTestService(
  module: Type<unknown>,
  service: ServiceDescriptor,
  options: TestServiceOptions = {},
): Promise<TestService> {
  const resources = await serviceResources(service, options);
  const { database, topicPrefix, tokens } = resources;
  tokens.install();
  Object.assign(process.env, resources.env);
  const grpcPort = service.grpc ? await freePort() : undefined;
  const app = await startService(module, service, { httpPort: 0, grpcPort, host: '127.0.0.1' });
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // Guard the isolation every suite relies on: the app must run on the suite's own database.
  const connectedTo = (app.get(DataSource).options as { url?: string }).url;
  const expected = resources.env[`${service.envPrefix}_DATABASE_URL`];
  if (connectedTo !== expected) {
    await app.close();
    throw new Error(`${service.name} connected to ${connectedTo}, expected the test database ${expected}`);
  }

  return {
    app,
    baseUrl,
    grpcAddress: grpcPort ? `127.0.0.1:${grpcPort}` : undefined,
    tokens,
    topicPrefix,
    database,
    http: serviceHttp(baseUrl),
    close: async () => {
      await app.close();
      await resources.release();
    },
  };
}

/** What a service under test runs on, and the variables that point it there. */
export interface ServiceResources {
  database: TestDatabase;
  topicPrefix: string;
  tokens: TestTokens;
  /** The service's database, Redis and Kafka settings, the log level, then options.env. */
  env: Record<string, string>;
  /** Drops the database and deletes the topics this call created (not the ones it was given). */
  release(): Promise<void>;
}

/**
 * The service's own database, topic prefix and Redis key prefix (or the ones given to share with
 * another service), a test key pair for tokens, and the environment that points the service there.
 */
export async function serviceResources(
  service: ServiceDescriptor,
  options: TestServiceOptions = {},
): Promise<ServiceResources> {
  const infra = testInfrastructure();
  const ownsDatabase = !options.database;
  const ownsTopics = !options.topicPrefix;
  const database = options.database ?? (await createTestDatabase(service.name.replace(/-/g, '_')));
  const topicPrefix = options.topicPrefix ?? uniqueTopicPrefix(service.name);
  if (ownsTopics) await createTestTopics(topicPrefix, options.partitions ?? 3);
  return {
    database,
    topicPrefix,
    tokens: options.tokens ?? new TestTokens(),
    env: {
      [`${service.envPrefix}_DATABASE_URL`]: database.url,
      REDIS_URL: infra.redisUrl,
      REDIS_KEY_PREFIX: `${topicPrefix}`,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KAFKA_TOPIC_PARTITIONS: String(options.partitions ?? 3),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...options.env,
    },
    release: async () => {
      if (ownsDatabase) await database.drop().catch(() => undefined);
      if (ownsTopics) await deleteTestTopics(topicPrefix);
    },
  };
}

/** JSON over fetch against a service's base URL, with an optional bearer token. */
export function serviceHttp(baseUrl: string): ServiceHttp {
  return async (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token)
      headers.authorization = init.token.startsWith('Bearer ') ? init.token : `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(baseUrl + path, {
      method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
      headers,
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body, headers: response.headers };
  };
}

export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}
