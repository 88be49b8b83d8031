import { DomainEventOf, EventEnvelope, Topics } from '@ecom/contracts';
import { EventFactory } from '@ecom/testing';
import type { OutgoingMessage } from '@ecom/messaging';

/*
 * Order events as the orders service publishes them, for tests and benchmarks of the inventory side
 * of the saga: each envelope is validated against the published schemas before it is used.
 */

const events = new EventFactory();

type OrderEventType = 'OrderPlaced' | 'OrderCancelled' | 'OrderShipped' | 'ReturnReceived';

export function orderEnvelope<T extends OrderEventType>(
  type: T,
  data: DomainEventOf<T>['data'],
): EventEnvelope {
  const orderId = (data as { orderId: string }).orderId;
  return events.make(type, data, new Date(), { correlationId: `corr-${orderId}` });
}

export function orderPlaced(
  orderId: string,
  lines: { sku: string; quantity: number }[],
  shippingRegion: string | null = null,
): EventEnvelope {
  return orderEnvelope('OrderPlaced', {
    orderId,
    memberId: 'member-1',
    visitorId: 'visitor-1',
    channel: 'web',
    cartId: null,
    lines: lines.map((l) => ({ ...l, unitPrice: 1999, lineTotal: 1999 * l.quantity })),
    total: lines.reduce((sum, l) => sum + 1999 * l.quantity, 0),
    currency: 'CNY',
    shippingRegion,
  });
}

export function orderCancelled(
  orderId: string,
  lines: { sku: string; quantity: number }[],
  by: 'customer' | 'system' = 'customer',
  reason: string | null = null,
): EventEnvelope {
  return orderEnvelope('OrderCancelled', {
    orderId,
    memberId: 'member-1',
    reason,
    cancelledBy: by,
    previousStatus: 'CONFIRMED',
    lines: lines.map((l) => ({ ...l, unitPrice: 1999, lineTotal: 1999 * l.quantity })),
  });
}

export function orderShipped(orderId: string, lines: { sku: string; quantity: number }[]): EventEnvelope {
  return orderEnvelope('OrderShipped', {
    orderId,
    memberId: 'member-1',
    carrier: 'SF',
    trackingNo: `SF${orderId.slice(-8)}`,
    lines: lines.map((l) => ({ ...l, unitPrice: 1999, lineTotal: 1999 * l.quantity })),
  });
}

export function returnReceived(
  orderId: string,
  returnId: string,
  lines: { sku: string; quantity: number }[],
): EventEnvelope {
  return orderEnvelope('ReturnReceived', { orderId, returnId, memberId: 'member-1', lines });
}

/** The Kafka message of an envelope: on orders.events, keyed by the order id like the outbox relay does. */
export function toMessage(envelope: EventEnvelope): OutgoingMessage {
  return {
    topic: Topics.orders,
    key: envelope.aggregateId,
    value: JSON.stringify(envelope),
    headers: { 'content-type': 'application/json', 'event-type': envelope.type },
  };
}
