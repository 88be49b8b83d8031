import { TopicName, Topics } from '../topics';
import { EventDefinition } from './define-event';
import { EventEnvelopeSchema } from './envelope.schema';
import { ALL_EVENT_DEFINITION_SETS } from './index';

/**
 * The published schemas of every event type (docs/contract.md section 3), generated from the TypeBox
 * definitions so that the documents downstream teams read and the validators in code cannot drift:
 *
 * - `<topic>/<Type>.v<version>.schema.json`: JSON Schema (draft-07) of the whole message value, the
 *   envelope with `data` replaced by the event's data schema;
 * - `asyncapi.json`: an AsyncAPI 2.6 document with one channel per topic and one message per event
 *   type and version, payloads inline.
 *
 * `npm run schemas:generate` writes them under libs/contracts/schemas; a spec checks that the
 * committed files are what this module renders.
 */

const JSON_SCHEMA_DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const ID_PREFIX = 'urn:ecom:events';
const ASYNCAPI_VERSION = '2.6.0';
const KAFKA_BINDING_VERSION = '0.4.0';
/** Version of the published event catalogue as a whole; event types carry their own versions. */
const CATALOGUE_VERSION = '1.0.0';

const TOPIC_DESCRIPTIONS: Record<TopicName, string> = {
  [Topics.catalog]: 'Categories, products, SKUs, prices and listing, from the catalog service.',
  [Topics.inventory]:
    'Warehouses, stock per SKU and warehouse (StockItem), and per-order reservations (Reservation), from the ' +
    'inventory service.',
  [Topics.orders]: 'Carts, orders, payments, shipments, returns and refunds, from the orders service.',
  [Topics.members]:
    'Members, roles, tiers and points, from the members service. Members are named by id only.',
  [Topics.storefrontBehavior]:
    'Storefront behaviour (page views, product views, searches), ingested by analytics.',
  [Topics.analyticsAlerts]: 'Stock warnings raised and cleared by analytics, for purchasing systems.',
};

/** Path of an event type's schema file, relative to the schemas directory. */
export function eventSchemaPath(definition: EventDefinition): string {
  return `${definition.topic}/${definition.type}.v${definition.version}.schema.json`;
}

export const ASYNCAPI_PATH = 'asyncapi.json';

/** Plain JSON of a TypeBox schema: drops TypeBox's symbol-keyed metadata. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

type JsonObject = Record<string, unknown>;

/** The JSON Schema (draft-07) of a whole message value of one event type and version. */
export function eventMessageSchema(definition: EventDefinition): JsonObject {
  const envelope = plain(EventEnvelopeSchema) as unknown as JsonObject & { properties: JsonObject };
  return {
    $schema: JSON_SCHEMA_DRAFT_07,
    $id: `${ID_PREFIX}:${definition.topic}:${definition.type}:v${definition.version}`,
    title: definition.type,
    description: definition.description,
    'x-topic': definition.topic,
    'x-aggregate-type': definition.aggregateType,
    ...envelope,
    properties: {
      ...envelope.properties,
      type: { type: 'string', const: definition.type },
      version: { type: 'integer', const: definition.version },
      aggregateType: { type: 'string', const: definition.aggregateType },
      data: plain(definition.schema),
    },
  };
}

function operationIdOf(topic: string): string {
  const words = topic.split(/[^a-zA-Z0-9]+/).filter(Boolean);
  return 'receive' + words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
}

/** The AsyncAPI 2.6 document of every topic and event type. */
export function asyncApiDocument(definitions: readonly EventDefinition[]): JsonObject {
  const byTopic = new Map<string, EventDefinition[]>();
  for (const topic of Object.values(Topics)) byTopic.set(topic, []);
  for (const definition of definitions) {
    const list = byTopic.get(definition.topic) ?? [];
    list.push(definition);
    byTopic.set(definition.topic, list);
  }
  const channels: JsonObject = {};
  for (const [topic, list] of [...byTopic.entries()].sort(([a], [b]) => compare(a, b))) {
    const messages = [...list]
      .sort((a, b) => compare(a.type, b.type) || a.version - b.version)
      .map((definition) => {
        const { $schema: _schema, $id: _id, ...payload } = eventMessageSchema(definition);
        return {
          messageId: `${definition.type}.v${definition.version}`,
          name: definition.type,
          title: `${definition.type} v${definition.version}`,
          summary: definition.description,
          contentType: 'application/json',
          'x-aggregate-type': definition.aggregateType,
          bindings: {
            kafka: {
              key: { type: 'string', description: `aggregate id of the ${definition.aggregateType}` },
              bindingVersion: KAFKA_BINDING_VERSION,
            },
          },
          payload,
        };
      });
    channels[topic] = {
      description:
        (TOPIC_DESCRIPTIONS[topic as TopicName] ?? topic) +
        ` Key = aggregate id (per-aggregate order). Poison messages go to ${topic}.dlq.`,
      bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
      subscribe: {
        operationId: operationIdOf(topic),
        summary: `Events published on ${topic}.`,
        message: { oneOf: messages },
      },
    };
  }
  return {
    asyncapi: ASYNCAPI_VERSION,
    id: ID_PREFIX,
    info: {
      title: 'E-commerce operations backend: domain events',
      version: CATALOGUE_VERSION,
      description:
        'Every message value is a JSON envelope {id, type, version, source, aggregateType, aggregateId, sequence, ' +
        'occurredAt, correlationId, causationId, data}; `data` is described per event type and version. Money is ' +
        'an integer in minor units with a currency. Delivery is at least once: consumers dedupe on `id`.',
    },
    defaultContentType: 'application/json',
    channels,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with object keys sorted at every level, 2-space indent and a trailing newline. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const source = value as JsonObject;
    return Object.fromEntries(
      Object.keys(source)
        .sort(compare)
        .map((key) => [key, sortKeys(source[key])]),
    );
  }
  return value;
}

/**
 * Every published schema file: path relative to libs/contracts/schemas -> file content, sorted by
 * path. Deterministic, so regenerating without a schema change is a no-op.
 */
export function renderEventSchemaFiles(
  definitionSets: Iterable<Readonly<Record<string, EventDefinition>>> = ALL_EVENT_DEFINITION_SETS,
): Map<string, string> {
  const definitions = [...definitionSets].flatMap((set) => Object.values(set));
  const files: [string, string][] = definitions.map((definition) => [
    eventSchemaPath(definition),
    stableStringify(eventMessageSchema(definition)),
  ]);
  files.push([ASYNCAPI_PATH, stableStringify(asyncApiDocument(definitions))]);
  const paths = new Set<string>();
  for (const [path] of files) {
    if (paths.has(path)) throw new Error(`two event definitions render to ${path}`);
    paths.add(path);
  }
  return new Map(files.sort(([a], [b]) => compare(a, b)));
}
