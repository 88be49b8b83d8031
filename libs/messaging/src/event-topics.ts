import { ALL_TOPICS, dlqTopicOf } from '@ecom/contracts';
import { TopicSpec } from './kafka-topic-admin';

/** Every topic of docs/contract.md section 3 and its DLQ: event topics are kept forever, DLQs too (they are small). */
export function eventTopicSpecs(partitions: number): TopicSpec[] {
  return ALL_TOPICS.flatMap((topic) => [
    { name: topic, partitions, retainForever: true },
    { name: dlqTopicOf(topic), partitions: 1, retainForever: true },
  ]);
}
