import type { EventEnvelope } from '@ecom/contracts';
import type { KafkaMessageBus } from '@ecom/messaging';
import { testMessageBus, TestService, waitUntil } from '@ecom/testing';
import { ORDER_RESERVATIONS_CONSUMER } from '../reservation/on-order-events/order-events.consumer';
import { toMessage } from './order-events.fixture';

/** Publishes order events to the suite's orders.events, keyed by order id (as the orders service does). */
export async function publishOrderEvents(bus: KafkaMessageBus, envelopes: EventEnvelope[]): Promise<void> {
  await bus.publish(envelopes.map(toMessage));
}

/**
 * Waits until the reservation consumer has committed offsets up to the end of every orders.events
 * partition: everything published before the call has been applied (or skipped as a duplicate).
 */
export async function waitForReservationConsumer(service: TestService, timeoutMs = 30_000): Promise<void> {
  const bus = testMessageBus(service.topicPrefix, 'offset-check');
  const admin = bus.kafka.admin();
  await admin.connect();
  try {
    const topic = bus.naming.physical('orders.events');
    const groupId = bus.naming.physical(ORDER_RESERVATIONS_CONSUMER);
    await waitUntil(
      async () => {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return ends.every((end) => {
          const done = committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          return Number(end.high) === 0 || Number(done) >= Number(end.high);
        });
      },
      { timeoutMs, intervalMs: 200, message: 'the reservation consumer to reach the end of orders.events' },
    );
  } finally {
    await admin.disconnect();
    await bus.close();
  }
}
