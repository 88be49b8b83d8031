import { Static, TObject } from '@sinclair/typebox';
import type { TopicName } from '../topics';

/**
 * One versioned event type: its name, schema version, the topic it is published on, the aggregate
 * type that emits it, and the JSON Schema (TypeBox) of its `data`. The TypeBox schema is both the
 * runtime validator and the TypeScript type, so the published JSON Schema and the code cannot drift.
 */
export interface EventDefinition<TType extends string = string, TSchema extends TObject = TObject> {
  readonly type: TType;
  readonly version: number;
  readonly topic: TopicName;
  readonly aggregateType: string;
  readonly description: string;
  readonly schema: TSchema;
}

export function defineEvent<TType extends string, TSchema extends TObject>(
  definition: EventDefinition<TType, TSchema>,
): EventDefinition<TType, TSchema> {
  return definition;
}

/** The `data` type of an event definition. */
export type EventData<D> = D extends EventDefinition<string, infer S> ? Static<S> : never;

/** A discriminated union `{ type, data }` over a record of event definitions. */
export type EventUnion<Defs extends Record<string, EventDefinition>> = {
  [K in keyof Defs]: { type: Defs[K]['type']; data: EventData<Defs[K]> };
}[keyof Defs];
