import {
  Admin,
  CompressionTypes,
  Consumer,
  IHeaders,
  Kafka,
  logLevel,
  Partitioners,
  Producer,
} from 'kafkajs';
import { kafkaClientConfig, KafkaConnectionOptions } from './kafka-connection';
import {
  IncomingMessage,
  MessagePublisher,
  MessageSubscriber,
  OutgoingMessage,
  Subscription,
  SubscriptionOptions,
} from './message-bus.port';
import { TopicNaming } from './topic-naming';

export interface KafkaMessageBusOptions extends KafkaConnectionOptions {
  topicPrefix?: string;
  /** The least severe kafkajs line logged (through the connection's log sink); warnings by default. */
  logLevel?: logLevel;
  connectionTimeoutMs?: number;
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return result;
}

/** Kafka adapter of the messaging port: an idempotent producer and batch consumers. */
export class KafkaMessageBus implements MessagePublisher, MessageSubscriber {
  readonly kafka: Kafka;
  readonly naming: TopicNaming;
  private producer?: Producer;
  private producerReady?: Promise<Producer>;
  private readonly consumers = new Set<Consumer>();
  /** The admin connection health probes ask the cluster through (see ping). */
  private admin?: Promise<Admin>;
  /** Once closed, no consumer is started again (a crash while disconnecting must not restart it). */
  private closed = false;

  constructor(private readonly options: KafkaMessageBusOptions) {
    this.naming = new TopicNaming(options.topicPrefix ?? '');
    this.kafka = new Kafka(
      kafkaClientConfig(options, {
        connectionTimeout: options.connectionTimeoutMs ?? 3000,
        logLevel: options.logLevel ?? logLevel.WARN,
        retry: { initialRetryTime: 100, retries: 8 },
      }),
    );
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producerReady ??= (async () => {
      // Idempotent: the broker drops a retried batch it already has, so retries never duplicate
      // within a session; one request in flight keeps per-partition order under retries.
      const producer = this.kafka.producer({
        // kafkajs' default since 2.0 (murmur2, as Java clients), named so that it does not warn about it.
        createPartitioner: Partitioners.DefaultPartitioner,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().catch((error) => {
      this.producerReady = undefined;
      throw error;
    });
    return this.producerReady;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) {
      const list = byTopic.get(message.topic) ?? [];
      list.push(message);
      byTopic.set(message.topic, list);
    }
    const producer = await this.connectedProducer();
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic: this.naming.physical(topic),
        messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    });
  }

  /**
   * Asks the cluster for its brokers over one admin connection the bus keeps open (kafkajs connects
   * it again after a broker restart), so that health probes open no connection of their own.
   * Resolves with the broker count; rejects while the cluster does not answer (the caller bounds the
   * wait: a broker that does not answer at all takes up to the connection timeout).
   */
  async ping(): Promise<number> {
    if (this.closed) throw new Error('the message bus is closed');
    const admin = await this.connectedAdmin();
    const { brokers } = await admin.describeCluster();
    return brokers.length;
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      // No retries: a probe reports what the cluster answers now, and the next probe asks again.
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.admin = undefined;
      throw error;
    });
    return this.admin;
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    let stopped = false;
    let current: Consumer | undefined;
    let failures = 0;
    const backoff = () =>
      new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** failures++)));
    const start = async (): Promise<void> => {
      const consumer = this.kafka.consumer({
        groupId: this.naming.physical(options.groupId),
        allowAutoTopicCreation: false,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
        // The broker answers a fetch as soon as any message arrives (minBytes 1): the wait only bounds
        // how often an idle consumer asks, so it costs no latency and keeps an idle stack quiet.
        maxWaitTimeInMs: 1000,
        retry: { initialRetryTime: 200, retries: 10 },
      });
      current = consumer;
      this.consumers.add(consumer);
      // kafkajs gives a consumer up for good on an error it deems not retriable ("Failed to find
      // group coordinator" while a broker restarts): it disconnects and never consumes again. Start
      // a new one instead, so a broker restart cannot silently stop a service's consumers.
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart || stopped || this.closed || !this.consumers.delete(consumer)) return;
        void restart();
      });
      try {
        await consumer.connect();
        await consumer.subscribe({
          topics: options.topics.map((t) => this.naming.physical(t)),
          fromBeginning: options.fromBeginning ?? true,
        });
        await consumer.run({
          autoCommit: true,
          autoCommitInterval: 1000,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 6,
          eachBatch: async ({
            batch,
            resolveOffset,
            heartbeat,
            isRunning,
            isStale,
            commitOffsetsIfNecessary,
          }) => {
            if (isStale()) return;
            const topic = this.naming.logical(batch.topic);
            const messages: IncomingMessage[] = batch.messages.map((m) => ({
              topic,
              partition: batch.partition,
              offset: m.offset,
              key: m.key ? m.key.toString('utf8') : null,
              value: m.value,
              headers: headersToStrings(m.headers),
              timestamp: Number(m.timestamp),
            }));
            let lastMarked: string | null = null;
            await options.handleBatch({
              topic,
              partition: batch.partition,
              messages,
              lagAfterBatch: () => {
                const high = BigInt(batch.highWatermark);
                const next =
                  lastMarked === null
                    ? BigInt(batch.firstOffset() ?? batch.highWatermark)
                    : BigInt(lastMarked) + 1n;
                const lag = high - next;
                return Number(lag > 0n ? lag : 0n);
              },
              markProcessed: (offset) => {
                resolveOffset(offset);
                lastMarked = offset;
              },
              heartbeat,
              isRunning: () => isRunning() && !isStale(),
            });
            await commitOffsetsIfNecessary();
          },
        });
      } catch (error) {
        this.consumers.delete(consumer);
        await consumer.disconnect().catch(() => undefined);
        throw error;
      }
      failures = 0;
      // The bus was closed while this consumer started: it must not outlive it.
      if (this.closed && this.consumers.delete(consumer)) await consumer.disconnect();
    };
    const restart = async (): Promise<void> => {
      while (!stopped && !this.closed) {
        await backoff();
        if (stopped || this.closed) return;
        try {
          await start();
          return;
        } catch {
          // the broker is still away: try again later
        }
      }
    };
    await start();
    const groupId = options.groupId;
    return {
      groupId,
      stop: async () => {
        stopped = true;
        const consumer = current;
        if (!consumer || !this.consumers.delete(consumer)) return;
        await consumer.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect()).catch(() => undefined);
    const producer = this.producer;
    this.producer = undefined;
    this.producerReady = undefined;
    if (producer) await producer.disconnect();
  }
}
