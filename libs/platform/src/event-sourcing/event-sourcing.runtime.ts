import {
  CommandSessions,
  CommitNotifications,
  GroupCommitter,
  InlineProjection,
  IdempotentEventConsumer,
  IdempotentEventConsumerOptions,
  OUTBOX_CHANNEL,
  OutboxRelay,
  WakeRelayOnCommit,
  PostgresEventStore,
} from '@ecom/event-sourcing';
import { ContractEvent, EnvelopeOf, EventSchemaRegistry } from '@ecom/contracts';
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
import { ReplayOptions, ReplayProgress, replayTopics } from './topic-replay';

export type { ReplayOptions, ReplayProgress } from './topic-replay';

/**
 * A consumer of this service: with `handles`, the handler receives exactly those event types, typed
 * from the contract schemas (a `switch (event.type)` narrows `event.data`); without, any contract event.
 */
export type ConsumerRegistration<T extends ContractEvent['type'] = ContractEvent['type']> = Pick<
  IdempotentEventConsumerOptions<EnvelopeOf<T>>,
  | 'name'
  | 'topics'
  | 'handle'
  | 'handleEvents'
  | 'fromBeginning'
  | 'partitionsConsumedConcurrently'
  | 'readyWhenCaughtUp'
> & { handles?: readonly T[] };

/**
 * The event-sourcing machinery of one service, wired the same way everywhere. What an app uses:
 * `commands` (the one way to handle a command), `consume(...)` (the one way to react to events),
 * `addInlineProjection` (read models written with the events) and the status methods for health.
 * The store, the relay (started with the app, woken after every commit that appended), the group
 * commit, the pools and Kafka stay inside.
 */
@Injectable()
export class EventSourcingRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EventSourcing');
  private readonly relay: OutboxRelay;
  /** The one way to handle a command in this service (see CommandSessions). */
  readonly commands: CommandSessions;
  /** LISTEN/NOTIFY of this service's database: commits of any replica reach every replica. */
  readonly notifications: CommitNotifications;
  private readonly consumers: Pick<IdempotentEventConsumer, 'name' | 'start' | 'stop' | 'status'>[] = [];
  /**
   * The consumers' own connections: a burst of requests cannot take the connections the saga needs
   * to confirm orders, and a consumer backlog cannot take the requests' (they share the event loop,
   * which batching keeps cheap: a consumer pays per batch, not per event).
   */
  private readonly consumerDataSource: DataSource;
  private bootstrapped = false;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: PostgresEventStore,
    private readonly registry: EventSchemaRegistry,
    private readonly bus: KafkaMessageBus,
    private readonly topicAdmin: KafkaTopicAdmin,
    @Inject(SERVICE_DESCRIPTOR) readonly service: ServiceDescriptor,
    @Inject(PLATFORM_SETTINGS) private readonly settings: PlatformSettings,
  ) {
    const { extra } = dataSource.options as { extra?: Record<string, unknown> };
    this.consumerDataSource = new DataSource({
      ...dataSource.options,
      extra: { ...extra, max: settings.databaseConsumerPoolSize },
    } as DataSourceOptions);
    // Commands of every aggregate of this service that arrive together commit together.
    this.commands = new CommandSessions(dataSource, store, {
      committer: new GroupCommitter(dataSource, store),
      onAfterCommitError: (key, error) =>
        this.logger.error(`after-commit work ${key} failed: ${(error as Error)?.message}`),
    });
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

  /** Keeps a read model in step with the events: written in the transaction that appends them. */
  addInlineProjection(projection: InlineProjection): void {
    this.store.addInlineProjection(projection);
  }

  /**
   * Rebuilds an inline read model from every stored event (an operator's repair), reading `pageSize`
   * events at a time, in one transaction; returns the count.
   */
  rebuildInlineProjection(projection: InlineProjection, pageSize?: number): Promise<number> {
    return this.dataSource.transaction((tx) => this.store.rebuildInlineProjection(tx, projection, pageSize));
  }

  /** Events committed but not yet published to Kafka. */
  outboxBacklog(): Promise<number> {
    return this.relay.backlog();
  }

  /** Registers a consumer; it starts when the application has bootstrapped. */
  consume<T extends ContractEvent['type']>(
    registration: ConsumerRegistration<T>,
  ): IdempotentEventConsumer<EnvelopeOf<T>> {
    const consumer = this.consumerOn(this.consumerDataSource, registration);
    this.consumers.push(consumer);
    if (this.bootstrapped) void this.startWithRetry(consumer);
    return consumer;
  }

  /**
   * Replays the registration's topics from the beginning under its name (a new consumer group) until
   * it reached the ends the topics had at the start: a read model's rebuild, after which a consumer of
   * that name continues live. Runs on the requests' connections: meant for a process of its own (the
   * rebuild command), which serves no requests.
   */
  replay<T extends ContractEvent['type']>(
    registration: Omit<ConsumerRegistration<T>, 'fromBeginning'>,
    options: ReplayOptions = {},
  ): Promise<ReplayProgress> {
    return replayTopics(
      {
        consumer: this.consumerOn(this.dataSource, registration),
        topics: registration.topics,
        partitionsConsumedConcurrently: registration.partitionsConsumedConcurrently,
        subscriber: this.bus,
        topicAdmin: this.topicAdmin,
      },
      options,
    );
  }

  private consumerOn<T extends ContractEvent['type']>(
    dataSource: DataSource,
    registration: ConsumerRegistration<T>,
  ): IdempotentEventConsumer<EnvelopeOf<T>> {
    return new IdempotentEventConsumer<EnvelopeOf<T>>({
      ...registration,
      dataSource,
      sessions: this.commands,
      subscriber: this.bus,
      publisher: this.bus,
      registry: this.registry,
      logger: {
        debug: (message) => this.logger.debug(message),
        warn: (message) => this.logger.warn(message),
        error: (message, error) => this.logger.error(`${message}: ${(error as Error)?.message}`),
      },
    });
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

  private async startWithRetry(consumer: Pick<IdempotentEventConsumer, 'name' | 'start'>): Promise<void> {
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
