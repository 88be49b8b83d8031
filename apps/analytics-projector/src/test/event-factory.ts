import { ContractEvent, createEventSchemaRegistry, DomainEventOf, EventEnvelope } from '@ecom/contracts';
import type { MessagePublisher } from '@ecom/messaging';
import { v7 as uuidv7 } from 'uuid';

const registry = createEventSchemaRegistry();

/** An instant given as Asia/Shanghai wall time 'YYYY-MM-DD HH:mm[:ss]', as an ISO string in UTC. */
export function cst(wall: string): string {
  const [date, time] = wall.split(' ');
  const [hh, mm, ss = '00'] = time.split(':');
  return new Date(`${date}T${hh.padStart(2, '0')}:${mm}:${ss}.000+08:00`).toISOString();
}

const SOURCE_OF_TOPIC: Record<string, string> = {
  'catalog.events': 'catalog',
  'inventory.events': 'inventory',
  'orders.events': 'orders',
  'members.events': 'members',
  'storefront.behavior': 'analytics',
};

function defaultAggregateId(aggregateType: string, data: Record<string, unknown>): string {
  const key: Record<string, string> = {
    Order: 'orderId',
    Cart: 'cartId',
    Product: 'productId',
    Category: 'categoryId',
    StockItem: 'sku',
    Reservation: 'orderId',
    Member: 'memberId',
    Visitor: 'visitorId',
    Warehouse: 'code',
  };
  return String(data[key[aggregateType]]);
}

/**
 * Builds envelopes the way the producing services do (validated against the published schemas), with
 * gapless per-aggregate sequences: what the projector receives from Kafka in the tests.
 */
export class EventFactory {
  private readonly sequences = new Map<string, number>();
  readonly events: EventEnvelope[] = [];

  make<T extends ContractEvent['type']>(
    type: T,
    data: DomainEventOf<T>['data'],
    at: string,
    options: { aggregateId?: string } = {},
  ): EventEnvelope {
    const definition = registry.latest(type);
    const aggregateId =
      options.aggregateId ?? defaultAggregateId(definition.aggregateType, data as Record<string, unknown>);
    const streamKey = `${definition.aggregateType}:${aggregateId}`;
    const sequence = (this.sequences.get(streamKey) ?? 0) + 1;
    this.sequences.set(streamKey, sequence);
    const envelope: EventEnvelope = registry.validate({
      id: uuidv7(),
      type,
      version: definition.version,
      source: SOURCE_OF_TOPIC[definition.topic],
      aggregateType: definition.aggregateType,
      aggregateId,
      sequence,
      occurredAt: at,
      correlationId: `test-${uuidv7()}`,
      causationId: null,
      data,
    });
    this.events.push(envelope);
    return envelope;
  }
}

export function topicOf(event: EventEnvelope): string {
  return registry.get(event.type, event.version).topic;
}

/** Publishes envelopes to their topics, keyed by aggregate id, in the given order. */
export async function publishEvents(
  publisher: MessagePublisher,
  events: readonly EventEnvelope[],
): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    await publisher.publish(
      events
        .slice(i, i + 500)
        .map((e) => ({ topic: topicOf(e), key: e.aggregateId, value: JSON.stringify(e) })),
    );
  }
}
