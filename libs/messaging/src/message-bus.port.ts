/**
 * The messaging port the services depend on. Kafka is one adapter (KafkaMessageBus); nothing outside
 * libs/messaging imports kafkajs, so the client can change without touching a service.
 */
export interface OutgoingMessage {
  /** Logical topic, e.g. "orders.events"; the adapter applies any environment prefix. */
  topic: string;
  /** Partition key: the aggregate id, so that one aggregate's events stay in order. */
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker timestamp, ms since epoch. */
  timestamp: number;
}

export interface IncomingBatch {
  topic: string;
  partition: number;
  messages: IncomingMessage[];
  /** Messages still behind the end of the partition once this batch is done. */
  lagAfterBatch(): number;
  /** Marks the batch's messages up to and including this offset as done (committed after it). */
  markProcessed(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
}

export interface SubscriptionOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Partitions handled at the same time; messages of one partition are always handled in order. */
  partitionsConsumedConcurrently?: number;
  handleBatch(batch: IncomingBatch): Promise<void>;
}

export interface Subscription {
  readonly groupId: string;
  stop(): Promise<void>;
}

export interface MessagePublisher {
  /** Resolves once every message is acknowledged by the broker (all in-sync replicas). */
  publish(messages: OutgoingMessage[]): Promise<void>;
}

export interface MessageSubscriber {
  subscribe(options: SubscriptionOptions): Promise<Subscription>;
}

export const MESSAGE_PUBLISHER = Symbol('MESSAGE_PUBLISHER');
export const MESSAGE_SUBSCRIBER = Symbol('MESSAGE_SUBSCRIBER');
