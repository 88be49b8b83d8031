import { Type } from '@sinclair/typebox';
import { Topics } from '../topics';
import { Channel, Id, Nullable, Sku } from './common.schemas';
import { defineEvent, EventUnion } from './define-event';

const topic = Topics.storefrontBehavior;
const aggregateType = 'Visitor';

const VisitorId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'visitor id sent by the storefront',
});
/**
 * When the visitor did it, as the storefront reported it (the envelope's occurredAt is the time the
 * analytics service stored it). Optional and additive: consumers fall back to the envelope's time.
 */
const ClientOccurredAt = Type.Optional(
  Type.String({ format: 'date-time', description: 'time of the action as reported by the storefront (UTC)' }),
);

export const StorefrontEvents = {
  PageViewed: defineEvent({
    type: 'PageViewed',
    version: 1,
    topic,
    aggregateType,
    description: 'A visitor viewed a storefront page (the visit funnel step).',
    schema: Type.Object(
      { visitorId: VisitorId, memberId: Nullable(Id), channel: Channel, occurredAt: ClientOccurredAt },
      { additionalProperties: false },
    ),
  }),
  ProductViewed: defineEvent({
    type: 'ProductViewed',
    version: 1,
    topic,
    aggregateType,
    description: 'A visitor viewed a product page for a SKU (the product_view funnel step).',
    schema: Type.Object(
      {
        visitorId: VisitorId,
        memberId: Nullable(Id),
        channel: Channel,
        sku: Sku,
        occurredAt: ClientOccurredAt,
      },
      { additionalProperties: false },
    ),
  }),
  Searched: defineEvent({
    type: 'Searched',
    version: 1,
    topic,
    aggregateType,
    description: 'A visitor searched the catalog.',
    schema: Type.Object(
      {
        visitorId: VisitorId,
        memberId: Nullable(Id),
        channel: Channel,
        query: Type.String({ minLength: 1, maxLength: 200 }),
        occurredAt: ClientOccurredAt,
      },
      { additionalProperties: false },
    ),
  }),
} as const;

export type StorefrontEvent = EventUnion<typeof StorefrontEvents>;
