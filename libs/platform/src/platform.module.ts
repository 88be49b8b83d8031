import { AuthModule } from '@ecom/auth';
import { createEventSchemaRegistry, EventSchemaRegistry } from '@ecom/contracts';
import { PostgresEventStore, EVENT_SOURCING_MIGRATIONS } from '@ecom/event-sourcing';
import { KafkaMessageBus, KafkaTopicAdmin, MESSAGE_PUBLISHER, MESSAGE_SUBSCRIBER } from '@ecom/messaging';
import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationShutdown,
  RequestMethod,
  Type,
} from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { BaseEnvironment, PlatformSettings, validateEnvironment } from './config/environment';
import { kafkaConnectionOf, readPlatformSettings } from './config/platform-settings';
import type { ServiceDescriptor } from './config/service-descriptor';
import { ensureDatabaseExists } from './database/database-url';
import { runMigrationsLocked } from './database/run-migrations';
import { EventSourcingRuntime } from './event-sourcing/event-sourcing.runtime';
import { HealthContributors } from './health/health-contributors';
import { HealthController } from './health/health.controller';
import { DomainErrorFilter } from './http/domain-error.filter';
import { MetricsController } from './metrics/metrics.controller';
import { ClusterScheduler } from './scheduling/cluster-scheduler';
import { PLATFORM_SETTINGS, REDIS, SERVICE_DESCRIPTOR } from './tokens';

export interface PlatformOptions {
  /** The service's own migrations; the event-store tables are always included. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  /** The service's environment class (extends BaseEnvironment), validated at start-up. */
  environment?: Type<BaseEnvironment>;
}

@Global()
@Module({})
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * One warning when Redis becomes unreachable and one line when it is back, through the app's logger.
 * Without an 'error' listener ioredis prints every failed reconnect to stderr as "Unhandled error
 * event" (several a second during an outage); the requests that need Redis answer 503 meanwhile.
 */
function logRedisOutages(redis: Redis): Redis {
  const logger = new Logger('Redis');
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis unreachable: ${error.message}`);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log('Redis reachable again');
  });
  return redis;
}

/** SASL PLAIN sends the password as it is: without TLS anyone on the path can read it (SCRAM does not). */
function warnOfCleartextPassword(settings: PlatformSettings): void {
  const { sasl, tls } = settings.kafkaSecurity;
  if (sasl?.mechanism === 'plain' && !tls) {
    new Logger('Kafka').warn(
      'KAFKA_SASL_MECHANISM=PLAIN without KAFKA_TLS=true: the Kafka password crosses the network unencrypted',
    );
  }
}

/**
 * Everything a service needs besides its own features, set up the same way in every app:
 * validated configuration, JSON logs with correlation ids, its PostgreSQL database (created if
 * missing, migrated under a lock), Redis, Kafka, the event-sourcing runtime, health, metrics,
 * token verification and the error mapping.
 */
@Global()
@Module({})
export class PlatformModule {
  static forService(service: ServiceDescriptor, options: PlatformOptions = {}): DynamicModule {
    // Read when the app is created, not when this module is declared: the environment (tests set
    // it per suite) is only final by then.
    const settings = (): PlatformSettings => readPlatformSettings(service);
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: validateEnvironment(options.environment ?? BaseEnvironment),
        }),
        LoggerModule.forRootAsync({
          useFactory: () => ({
            forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
            // Probes and scrapes are not requests worth a logger each; nor are reads (product pages,
            // order polls: most requests at a peak) unless the level would show them (debug).
            exclude: [
              { path: 'health/{*rest}', method: RequestMethod.ALL },
              { path: 'metrics', method: RequestMethod.ALL },
              ...(['debug', 'trace'].includes(process.env.LOG_LEVEL ?? 'info')
                ? []
                : [{ path: '{*path}', method: RequestMethod.GET }]),
            ],
            pinoHttp: {
              level: process.env.LOG_LEVEL ?? 'info',
              name: service.name,
              genReqId: (request) => String(request.headers['x-correlation-id'] ?? ''),
              customProps: () => ({ service: service.name }),
              autoLogging: { ignore: (request) => /^\/(health|metrics)/.test(request.url ?? '') },
              // A request line costs little at a peak: no headers, and successful reads (product
              // pages, order polls) at debug; writes and every failure stay at info or above.
              serializers: {
                req: (request: { id?: unknown; method?: string; url?: string }) => ({
                  id: request.id,
                  method: request.method,
                  url: request.url,
                }),
                res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
              },
              customLogLevel: (request, response, error) => {
                if (error || response.statusCode >= 500) return 'error';
                if (response.statusCode >= 400) return 'warn';
                return request.method === 'GET' || request.method === 'HEAD' ? 'debug' : 'info';
              },
            },
          }),
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            type: 'postgres' as const,
            url: settings().databaseUrl,
            migrations: [...EVENT_SOURCING_MIGRATIONS, ...((options.migrations as []) ?? [])],
            entities: options.entities ?? [],
            synchronize: false,
            migrationsRun: false,
            extra: { max: settings().databasePoolSize, connectionTimeoutMillis: 5000 },
            retryAttempts: 20,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (dataSourceOptions) => {
            await ensureDatabaseExists(settings().databaseUrl);
            const dataSource = await new DataSource(dataSourceOptions!).initialize();
            if (settings().runMigrations) await runMigrationsLocked(dataSource);
            return dataSource;
          },
        }),
        // A failed check logs one JSON line (not a multi-line box with colour codes inside the JSON log).
        TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }),
        AuthModule.forRoot(),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_DESCRIPTOR, useValue: service },
        { provide: PLATFORM_SETTINGS, useFactory: settings },
        {
          provide: REDIS,
          inject: [PLATFORM_SETTINGS],
          useFactory: (current: PlatformSettings) =>
            logRedisOutages(
              new Redis(current.redisUrl, {
                keyPrefix: current.redisKeyPrefix || undefined,
                maxRetriesPerRequest: 2,
                connectTimeout: 3000,
              }),
            ),
        },
        RedisLifecycle,
        { provide: EventSchemaRegistry, useFactory: () => createEventSchemaRegistry() },
        {
          provide: KafkaMessageBus,
          inject: [PLATFORM_SETTINGS],
          useFactory: (current: PlatformSettings) => {
            warnOfCleartextPassword(current);
            return new KafkaMessageBus({
              ...kafkaConnectionOf(current, service.name),
              topicPrefix: current.kafkaTopicPrefix,
            });
          },
        },
        { provide: MESSAGE_PUBLISHER, useExisting: KafkaMessageBus },
        { provide: MESSAGE_SUBSCRIBER, useExisting: KafkaMessageBus },
        {
          provide: KafkaTopicAdmin,
          inject: [PLATFORM_SETTINGS],
          useFactory: (current: PlatformSettings) =>
            new KafkaTopicAdmin({
              ...kafkaConnectionOf(current, `${service.name}-admin`),
              topicPrefix: current.kafkaTopicPrefix,
            }),
        },
        {
          provide: PostgresEventStore,
          inject: [EventSchemaRegistry],
          useFactory: (registry: EventSchemaRegistry) =>
            new PostgresEventStore({ source: service.name, registry }),
        },
        EventSourcingRuntime,
        HealthContributors,
        ClusterScheduler,
        { provide: APP_FILTER, useClass: DomainErrorFilter },
      ],
      exports: [
        SERVICE_DESCRIPTOR,
        PLATFORM_SETTINGS,
        REDIS,
        EventSchemaRegistry,
        KafkaMessageBus,
        MESSAGE_PUBLISHER,
        MESSAGE_SUBSCRIBER,
        KafkaTopicAdmin,
        PostgresEventStore,
        EventSourcingRuntime,
        HealthContributors,
        ClusterScheduler,
      ],
    };
  }
}
