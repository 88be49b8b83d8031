import { ContractEvent, createEventSchemaRegistry, DomainEventOf, EventEnvelope } from '@ecom/contracts';
import type { MessagePublisher } from '@ecom/messaging';
import { v7 as uuidv7 } from 'uuid';

const registry = createEventSchemaRegistry();

const SOURCE_OF_TOPIC: Record<string, string> = {
  'catalog.events': 'catalog',
  'inventory.events': 'inventory',
  'orders.events': 'orders',
  'members.events': 'members',
  'storefront.behavior': 'analytics',
  'analytics.alerts': 'analytics',
};

const AGGREGATE_ID_FIELD: Record<string, string> = {
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

function defaultAggregateId(aggregateType: string, data: Record<string, unknown>): string {
  return String(data[AGGREGATE_ID_FIELD[aggregateType]]);
}

/**
 * Builds envelopes of any service's events the way the producing service does: source, aggregate
 * type and version from the published definition, gapless per-aggregate sequences, validated against
 * the published schemas. Tests use it to play another service's part on Kafka.
 */
export class EventFactory {
  private readonly sequences = new Map<string, number>();
  readonly events: EventEnvelope[] = [];

  make<T extends ContractEvent['type']>(
    type: T,
    data: DomainEventOf<T>['data'],
    at: string | Date = new Date(),
    options: { aggregateId?: string; correlationId?: string } = {},
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
      occurredAt: typeof at === 'string' ? at : at.toISOString(),
      correlationId: options.correlationId ?? `test-${uuidv7()}`,
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
