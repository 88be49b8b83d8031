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

/** An A/B experiment key or variant as storefronts send it. */
export const EXPERIMENT_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** At most this many experiments on one event or order. */
export const MAX_EXPERIMENTS = 8;

/**
 * The storefront's A/B test assignments at the time of the event: experiment key -> variant. Optional
 * and additive (events written before it lack it); at most 8 experiments.
 */
export const Experiments = Type.Optional(
  Type.Record(
    Type.String({ pattern: EXPERIMENT_NAME_PATTERN.source }),
    Type.String({ pattern: EXPERIMENT_NAME_PATTERN.source }),
    {
      maxProperties: MAX_EXPERIMENTS,
      additionalProperties: false,
      description: 'A/B test assignments, experiment key -> variant (at most 8)',
    },
  ),
);

/**
 * What is wrong with an `experiments` value a client sent, naming `field`, or null when the contract
 * allows it: the same rule as the schema, for the request validators of the services that take it.
 */
export function experimentsProblem(value: unknown, field = 'experiments'): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return `${field} must be an object of experiment key to variant`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_EXPERIMENTS)
    return `${field} has ${entries.length} experiments, at most ${MAX_EXPERIMENTS} allowed`;
  for (const [key, variant] of entries) {
    if (!EXPERIMENT_NAME_PATTERN.test(key))
      return `${field} key ${JSON.stringify(key.slice(0, 80))} must be 1-64 characters of A-Z, a-z, 0-9, _, . and -`;
    if (typeof variant !== 'string' || !EXPERIMENT_NAME_PATTERN.test(variant))
      return `${field}.${key} must be a variant of 1-64 characters of A-Z, a-z, 0-9, _, . and -`;
  }
  return null;
}

export const StorefrontEvents = {
  PageViewed: defineEvent({
    type: 'PageViewed',
    version: 1,
    topic,
    aggregateType,
    description: 'A visitor viewed a storefront page (the visit funnel step).',
    schema: Type.Object(
      {
        visitorId: VisitorId,
        memberId: Nullable(Id),
        channel: Channel,
        occurredAt: ClientOccurredAt,
        experiments: Experiments,
      },
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
        experiments: Experiments,
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
        experiments: Experiments,
      },
      { additionalProperties: false },
    ),
  }),
} as const;

export type StorefrontEvent = EventUnion<typeof StorefrontEvents>;
