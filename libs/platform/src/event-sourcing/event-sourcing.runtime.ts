import {
  AggregateDefinition,
  AggregateRepository,
  CommitNotifications,
  DomainEvent,
  GroupCommitter,
  IdempotentEventConsumer,
  IdempotentEventConsumerOptions,
  OUTBOX_CHANNEL,
  OutboxRelay,
  WakeRelayOnCommit,
  PostgresEventStore,
} from '@ecom/event-sourcing';
import { EventSchemaRegistry } from '@ecom/contracts';
import { eventTopicSpecs, KafkaMessageBus, KafkaTopicAdmin } from '@ecom/messaging';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { PlatformSettings } from '../config/environment';
import type { ServiceDescriptor } from '../config/service-descriptor';
import { PLATFORM_SETTINGS, SERVICE_DESCRIPTOR } from '../tokens';

export type ConsumerRegistration = Pick<
  IdempotentEventConsumerOptions,
  | 'name'
  | 'topics'
  | 'handles'
  | 'handle'
  | 'handleEvents'
  | 'fromBeginning'
  | 'partitionsConsumedConcurrently'
>;

/**
 * The event-sourcing machinery of one service, wired the same way everywhere: the event store, the
 * outbox relay (started with the app), repositories whose commits wake the relay, and consumers
 * (started with the app, retried while Kafka is unreachable, stopped gracefully on shutdown).
 */
@Injectable()
export class EventSourcingRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventSourcing');
  readonly relay: OutboxRelay;
  /** Commands of every repository of this service that arrive together commit together. */
  readonly committer: GroupCommitter;
  /** LISTEN/NOTIFY of this service's database: commits of any replica reach every replica. */
  readonly notifications: CommitNotifications;
  private readonly consumers: IdempotentEventConsumer[] = [];
  /**
   * The consumers' own connections: a burst of requests cannot take the connections the saga needs
   * to confirm orders, and a consumer backlog cannot take the requests' (they share the event loop,
   * which batching keeps cheap: a consumer pays per batch, not per event).
   */
  private readonly consumerDataSource: DataSource;
  private bootstrapped = false;
  private stopping = false;

  constructor(
    readonly dataSource: DataSource,
    readonly store: PostgresEventStore,
    readonly registry: EventSchemaRegistry,
    readonly bus: KafkaMessageBus,
    readonly topicAdmin: KafkaTopicAdmin,
    @Inject(SERVICE_DESCRIPTOR) readonly service: ServiceDescriptor,
    @Inject(PLATFORM_SETTINGS) private readonly settings: PlatformSettings,
  ) {
    const { extra } = dataSource.options as { extra?: Record<string, unknown> };
    this.consumerDataSource = new DataSource({
      ...dataSource.options,
      extra: { ...extra, max: settings.databaseConsumerPoolSize },
    } as DataSourceOptions);
    this.committer = new GroupCommitter(dataSource, store);
    // The relay wakes after every commit that queued outbox rows, on either pool (the consumers'
    // pool takes the subscribers of this one when it opens).
    dataSource.subscribers.push(new WakeRelayOnCommit(store, () => this.relay.nudge()));
    this.notifications = new CommitNotifications({
      connectionString: settings.databaseUrl,
      logger: { warn: (message) => this.logger.warn(message) },
    });
    this.relay = new OutboxRelay(dataSource, bus, {
      service: service.name,
      batchSize: 1000,
      // While our relay publishes, our commits wake it in process and need not NOTIFY (see OUTBOX_CHANNEL).
      onLeadershipChange: (leading) => (store.notifyRelays = !leading),
      logger: { error: (message, error) => this.logger.error(`${message}: ${(error as Error)?.message}`) },
    });
  }

  repository<TState, TEvent extends DomainEvent>(
    definition: AggregateDefinition<TState, TEvent>,
  ): AggregateRepository<TState, TEvent> {
    return new AggregateRepository(this.dataSource, this.store, definition, { committer: this.committer });
  }

  /** Registers a consumer; it starts when the application has bootstrapped. */
  consume(registration: ConsumerRegistration): IdempotentEventConsumer {
    const consumer = new IdempotentEventConsumer({
      ...registration,
      dataSource: this.consumerDataSource,
      subscriber: this.bus,
      publisher: this.bus,
      registry: this.registry,
      logger: {
        warn: (message) => this.logger.warn(message),
        error: (message, error) => this.logger.error(`${message}: ${(error as Error)?.message}`),
      },
    });
    this.consumers.push(consumer);
    if (this.bootstrapped) void this.startWithRetry(consumer);
    return consumer;
  }

  consumerStatuses() {
    return this.consumers.map((c) => ({ name: c.name, ...c.status() }));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.bootstrapped = true;
    await this.ensureTopics();
    // Other replicas' commits notify while our relay leads; a reconnect of the listener also wakes it ('').
    await this.notifications.listen(OUTBOX_CHANNEL, () => this.relay.nudge());
    this.relay.start();
    for (const consumer of this.consumers) void this.startWithRetry(consumer);
  }

  private async ensureTopics(): Promise<void> {
    try {
      await this.topicAdmin.ensureTopics(eventTopicSpecs(this.settings.kafkaTopicPartitions));
    } catch (error) {
      // Kafka may be down at start-up: the service still starts (not ready) and the relay retries.
      this.logger.warn(`could not ensure Kafka topics: ${(error as Error).message}`);
    }
  }

  private consumerPool?: Promise<DataSource>;

  private async startWithRetry(consumer: IdempotentEventConsumer): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        this.consumerPool ??= this.consumerDataSource.initialize().then(
          (pool) => {
            // Transaction subscribers (after-commit work) see the consumers' transactions too.
            for (const subscriber of this.dataSource.subscribers) {
              if (!pool.subscribers.includes(subscriber)) pool.subscribers.push(subscriber);
            }
            return pool;
          },
          (error) => {
            this.consumerPool = undefined;
            throw error;
          },
        );
        await this.consumerPool;
        await consumer.start();
        return;
      } catch (error) {
        this.logger.warn(
          `consumer ${consumer.name} could not start (attempt ${attempt}): ${(error as Error).message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * attempt)));
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
    await this.relay.stop();
    await this.notifications.stop();
    if (this.consumerDataSource.isInitialized) await this.consumerDataSource.destroy();
    await this.bus.close();
  }
}
