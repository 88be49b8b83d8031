import { AlertEvent, AlertEvents } from './alerts.events';
import { CatalogEvent, CatalogEvents } from './catalog.events';
import { EventDefinition } from './define-event';
import { EventSchemaRegistry } from './event-schema-registry';
import { InventoryEvent, InventoryEvents } from './inventory.events';
import { MembersEvent, MembersEvents } from './members.events';
import { OrdersEvent, OrdersEvents } from './orders.events';
import { StorefrontEvent, StorefrontEvents } from './storefront.events';
import type { EventEnvelope } from '../envelope';

export * from './define-event';
export * from './common.schemas';
export * from './envelope.schema';
export * from './event-schema-registry';
export * from './catalog.events';
export * from './inventory.events';
export * from './orders.events';
export * from './members.events';
export * from './storefront.events';
export * from './alerts.events';

/** Every event definition of every bounded context, one record per context (topic). */
export const ALL_EVENT_DEFINITION_SETS: readonly Readonly<Record<string, EventDefinition>>[] = [
  CatalogEvents,
  InventoryEvents,
  OrdersEvents,
  MembersEvents,
  StorefrontEvents,
  AlertEvents,
];

/** A registry that knows every published event type and version. */
export function createEventSchemaRegistry(): EventSchemaRegistry {
  return new EventSchemaRegistry(ALL_EVENT_DEFINITION_SETS);
}

/** `{ type, data }` of any published event, discriminated on `type`. */
export type ContractEvent =
  CatalogEvent | InventoryEvent | OrdersEvent | MembersEvent | StorefrontEvent | AlertEvent;

/** `{ type, data }` of one published event type, e.g. `DomainEventOf<'OrderPaid'>['data']`. */
export type DomainEventOf<T extends ContractEvent['type']> = Extract<ContractEvent, { type: T }>;

/**
 * The envelope of one published event type, or a discriminated union of envelopes when given several:
 * `switch (event.type)` narrows `event.data` to that type's schema (consumers need no casts).
 */
export type EnvelopeOf<T extends ContractEvent['type']> = T extends ContractEvent['type']
  ? EventEnvelope<DomainEventOf<T>['data'], T>
  : never;

/** The envelope of any published event. */
export type ContractEnvelope = EnvelopeOf<ContractEvent['type']>;
