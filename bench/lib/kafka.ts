/** Kafka helpers of the bench: one client on the local broker, and topic end offsets. */
import { ALL_TOPICS } from '@ecom/contracts';
import { kafkaClientConfig } from '@ecom/messaging';
import { Kafka, logLevel } from 'kafkajs';

export const BROKERS = ['127.0.0.1:9092'];

/** A client built as the platform builds its own; no SASL/TLS: the bench runs its own local broker. */
export function kafka(clientId: string): Kafka {
  return new Kafka(
    kafkaClientConfig(
      { clientId, brokers: BROKERS },
      { logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 5, initialRetryTime: 200 } },
    ),
  );
}

/** Sum of the end offsets of the stack's event topics: how many events were ever published. */
export async function publishedEvents(client: Kafka): Promise<number> {
  const admin = client.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of ALL_TOPICS) {
      for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}
