import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, sep } from 'path';
import { EventDefinition } from './define-event';
import { ALL_EVENT_DEFINITION_SETS } from './index';
import { ASYNCAPI_PATH, eventSchemaPath, renderEventSchemaFiles } from './schema-files';

const SCHEMAS_DIR = join(__dirname, '..', '..', 'schemas');
const FORBIDDEN = ['email', 'phone', 'password', 'passwordHash', 'address', 'shippingAddress', 'note'];

function committedFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? committedFiles(path)
      : [relative(SCHEMAS_DIR, path).split(sep).join('/')];
  });
}

/** Every property name anywhere inside a JSON Schema (nested objects, arrays, unions, records). */
function propertyNames(schema: unknown, path = '$'): { name: string; path: string }[] {
  if (Array.isArray(schema)) return schema.flatMap((item, index) => propertyNames(item, `${path}[${index}]`));
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const found: { name: string; path: string }[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
        found.push({ name, path: `${path}.${name}` });
        found.push(...propertyNames(child, `${path}.${name}`));
      }
    } else {
      found.push(...propertyNames(value, `${path}/${key}`));
    }
  }
  return found;
}

const definitions: EventDefinition[] = ALL_EVENT_DEFINITION_SETS.flatMap((set) => Object.values(set));

describe('published event schemas (libs/contracts/schemas)', () => {
  const rendered = renderEventSchemaFiles();

  it('renders one schema per event type and version plus the AsyncAPI document, deterministically', () => {
    expect([...rendered.keys()].sort()).toEqual([...definitions.map(eventSchemaPath), ASYNCAPI_PATH].sort());
    expect(renderEventSchemaFiles()).toEqual(rendered);
    for (const content of rendered.values()) expect(content.endsWith('}\n')).toBe(true);
  });

  it('are committed exactly as rendered (run `npm run schemas:generate` after changing an event)', () => {
    const onDisk = committedFiles(SCHEMAS_DIR).sort();
    expect(onDisk).toEqual([...rendered.keys()].sort());
    for (const [path, content] of rendered) {
      expect({ path, content: readFileSync(join(SCHEMAS_DIR, path), 'utf8') }).toEqual({ path, content });
    }
  });

  it('are valid draft-07 schemas that accept a matching envelope and refuse a mismatched type', () => {
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    const definition = definitions.find((d) => d.type === 'OrderDelivered')!;
    const schema = JSON.parse(rendered.get(eventSchemaPath(definition))!);
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'OrderDelivered',
      'x-topic': 'orders.events',
      'x-aggregate-type': 'Order',
    });
    const validate = ajv.compile(schema);
    const message = {
      id: '0190a6a4-1234-7abc-8def-0123456789ab',
      type: 'OrderDelivered',
      version: 1,
      source: 'orders',
      aggregateType: 'Order',
      aggregateId: 'o-1',
      sequence: 6,
      occurredAt: '2026-11-11T00:00:01.123Z',
      correlationId: 'c-1',
      causationId: 'c-0',
      data: { orderId: 'o-1', memberId: 'm-1' },
    };
    expect(validate(message)).toBe(true);
    expect(validate({ ...message, type: 'OrderShipped' })).toBe(false);
    expect(validate({ ...message, data: { orderId: 'o-1' } })).toBe(false);
    for (const [path, content] of rendered) {
      if (path === ASYNCAPI_PATH) continue;
      // strict: an unknown or misspelt keyword in a published schema fails here.
      const fresh = addFormats(
        new Ajv({ allErrors: true, strict: true, keywords: ['x-topic', 'x-aggregate-type'] }),
      );
      expect(() => fresh.compile(JSON.parse(content))).not.toThrow();
    }
  });

  it('AsyncAPI document has one channel per topic and one message per event type', () => {
    const doc = JSON.parse(rendered.get(ASYNCAPI_PATH)!);
    expect(doc.asyncapi).toBe('2.6.0');
    const topics = [...new Set(definitions.map((d) => d.topic))].sort();
    expect(Object.keys(doc.channels).sort()).toEqual(topics);
    const messageIds = Object.values(doc.channels).flatMap((channel) =>
      (channel as { subscribe: { message: { oneOf: { messageId: string }[] } } }).subscribe.message.oneOf.map(
        (m) => m.messageId,
      ),
    );
    expect(messageIds.sort()).toEqual(definitions.map((d) => `${d.type}.v${d.version}`).sort());
  });

  it.each(definitions.map((d) => [`${d.topic} ${d.type} v${d.version}`, d] as const))(
    '%s carries no personal data or password material',
    (_name, definition) => {
      const offending = propertyNames(JSON.parse(JSON.stringify(definition.schema))).filter(({ name }) =>
        FORBIDDEN.some((forbidden) => forbidden.toLowerCase() === name.toLowerCase()),
      );
      expect(offending).toEqual([]);
    },
  );

  it('every event has a description and closed (additionalProperties: false) objects', () => {
    for (const definition of definitions) {
      expect(definition.description.length).toBeGreaterThan(0);
      const open: string[] = [];
      const visit = (node: unknown, path: string): void => {
        if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${path}[${i}]`));
        if (node === null || typeof node !== 'object') return;
        const schema = node as Record<string, unknown>;
        if (schema.type === 'object' && schema.properties && schema.additionalProperties !== false)
          open.push(path);
        for (const [key, value] of Object.entries(schema)) visit(value, `${path}/${key}`);
      };
      visit(JSON.parse(JSON.stringify(definition.schema)), definition.type);
      expect(open).toEqual([]);
    }
  });
});
