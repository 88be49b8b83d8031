import { Admin, Kafka, logLevel } from 'kafkajs';
import { kafkaClientConfig, KafkaConnectionOptions } from './kafka-connection';
import { TopicNaming } from './topic-naming';

export interface TopicSpec {
  /** Logical name. */
  name: string;
  partitions: number;
  /** Event topics keep their data forever so read models can be rebuilt from offset 0. */
  retainForever: boolean;
}

/** The offsets of one partition: `low` is the first kept offset, `high` the next offset to be written. */
export interface PartitionOffsets {
  /** Logical topic name. */
  topic: string;
  partition: number;
  low: string;
  high: string;
}

/** Creates and deletes topics and reads their offsets, each call on a connection of its own (they are rare). */
export class KafkaTopicAdmin {
  private readonly kafka: Kafka;
  private readonly naming: TopicNaming;

  constructor(options: KafkaConnectionOptions & { topicPrefix?: string }) {
    this.kafka = new Kafka(
      kafkaClientConfig(options, {
        connectionTimeout: 2000,
        requestTimeout: 5000,
        // Its callers report its failures (a warning at start-up, a command's error): kafkajs'
        // own lines would only repeat them.
        logLevel: logLevel.NOTHING,
        retry: { retries: 1, initialRetryTime: 100 },
      }),
    );
    this.naming = new TopicNaming(options.topicPrefix ?? '');
  }

  /** The cluster's id: a new one whenever the cluster's storage was formatted anew (its topics start empty). */
  async clusterId(): Promise<string> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return (await admin.describeCluster()).clusterId;
    } finally {
      await admin.disconnect();
    }
  }

  /** Creates the topics that do not exist yet; returns the logical names it created. */
  async ensureTopics(specs: TopicSpec[]): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(this.naming.physical(s.name)));
      if (missing.length > 0) {
        try {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((s) => ({
              topic: this.naming.physical(s.name),
              numPartitions: s.partitions,
              replicationFactor: -1,
              configEntries: s.retainForever
                ? [
                    { name: 'retention.ms', value: '-1' },
                    { name: 'retention.bytes', value: '-1' },
                  ]
                : [],
            })),
          });
        } catch (error) {
          // A busy broker can answer the leader wait with "unknown topic-partition", and another
          // replica may have created the same topics meanwhile: both end well if the topics appear.
          const type = (error as { type?: string }).type;
          if (
            !['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'TOPIC_ALREADY_EXISTS'].includes(
              type ?? '',
            )
          ) {
            throw error;
          }
        }
        await this.waitForLeaders(
          admin,
          missing.map((s) => this.naming.physical(s.name)),
        );
      }
      return missing.map((s) => s.name);
    } finally {
      await admin.disconnect();
    }
  }

  private async waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        const ready = metadata.every(
          (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
        );
        if (ready) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline)
        throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async deleteTopics(logicalNames: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const topics = logicalNames.map((n) => this.naming.physical(n)).filter((t) => existing.has(t));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Deletes the topics that hold messages and creates them again, empty, with their specs; returns
   * the logical names it emptied. For a development stack whose databases were made anew: the events
   * on its topics came from databases that are gone, and its consumers must not apply them again.
   */
  async emptyTopics(specs: TopicSpec[], timeoutMs = 30_000): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const emptied: TopicSpec[] = [];
    try {
      const existing = new Set(await admin.listTopics());
      for (const spec of specs) {
        const topic = this.naming.physical(spec.name);
        if (!existing.has(topic)) continue;
        const offsets = await admin.fetchTopicOffsets(topic);
        if (offsets.some((o) => BigInt(o.high) > BigInt(o.low))) emptied.push(spec);
      }
      if (emptied.length === 0) return [];
      const topics = emptied.map((s) => this.naming.physical(s.name));
      await admin.deleteTopics({ topics, timeout: timeoutMs });
      // Deletion finishes on the controller after the answer: creating a topic still marked for
      // deletion would fail, so wait until none is listed.
      const deadline = Date.now() + timeoutMs;
      while ((await admin.listTopics()).some((t) => topics.includes(t))) {
        if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} still listed after deletion`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await admin.disconnect();
    }
    await this.ensureTopics(emptied);
    return emptied.map((s) => s.name);
  }

  /**
   * Low and high watermarks of every partition of the topics: what a replay from the beginning has
   * to read (`high - low` messages per partition), e.g. for a rebuild's progress bar.
   */
  async topicOffsets(logicalNames: string[]): Promise<PartitionOffsets[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const result: PartitionOffsets[] = [];
      for (const topic of logicalNames) {
        const offsets = await admin.fetchTopicOffsets(this.naming.physical(topic));
        for (const o of offsets) result.push({ topic, partition: o.partition, low: o.low, high: o.high });
      }
      return result.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    } finally {
      await admin.disconnect();
    }
  }

  /** Deletes consumer groups that have no members (e.g. a projector generation a rebuild replaced). */
  async deleteConsumerGroups(logicalGroupIds: string[]): Promise<void> {
    if (logicalGroupIds.length === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteGroups(logicalGroupIds.map((g) => this.naming.physical(g)));
    } finally {
      await admin.disconnect();
    }
  }
}
