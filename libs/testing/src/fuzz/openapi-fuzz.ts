import fc from 'fast-check';
import { Client } from 'pg';
import type { RunningService } from '../test-service';

/**
 * A fuzzer of a running service's REST API, generated from its own OpenAPI document: every operation
 * gets hostile path parameters, queries and bodies (wrong types, huge and deep values, NUL bytes and
 * lone surrogates, prototype-polluting keys, malformed JSON, wrong content types). A finding is an
 * answer of 500 or more, an answer slower than `maxMs` (twice in a row, so one GC pause or a noisy
 * neighbour is not a finding), or a rejected write that changed the service's state.
 */

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  minimum?: number;
  minLength?: number;
  nullable?: boolean;
}

export interface OpenApiFuzzOptions {
  /** Authorization headers to try (undefined = anonymous), e.g. a customer's and an operator's. */
  authorizations: readonly (string | undefined)[];
  /** A fingerprint of the service's state (e.g. its event count): a rejected write must not change it. */
  stateOf: () => Promise<string>;
  seed?: number;
  runsPerOperation?: number;
  maxMs?: number;
  /** Operations not to fuzz (say why where it is called). */
  skip?: (method: string, path: string) => boolean;
  /** Progress, one line per operation. */
  log?: (line: string) => void;
}

export interface FuzzFinding {
  operation: string;
  request: string;
  problem: string;
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  describe: string;
}

/** Strings that have broken services: NUL, lone surrogates (sent as their raw UTF-8 bytes), paths. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '../../../etc/passwd',
  '__proto__',
  'constructor',
  '%00',
  '%',
  '😀',
  'null',
  '-1',
  '1e309',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  'a'.repeat(5000),
];

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'a\u0000b'];

/**
 * A string as a URL path segment or query value. A lone surrogate cannot be percent-encoded by
 * encodeURIComponent; it is sent as the (invalid) UTF-8 bytes a careless client would produce.
 */
function encodeHostile(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(
        0x80 |
        (code & 0x3f)
      ).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

/** JSON text with lone surrogates kept as escapes (JSON.stringify already writes them as \\udxxx). */
function json(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MIN_VALUE),
  fc.integer(),
);

const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

/** Bodies no parser should spend long on: deep nesting, many keys, malformed JSON. */
const PATHOLOGICAL_BODIES: { describe: string; body: () => string }[] = [
  { describe: '20,000 levels of arrays', body: () => '['.repeat(20_000) + ']'.repeat(20_000) },
  { describe: '5,000 levels of objects', body: () => '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) },
  {
    describe: '30,000 unknown keys',
    body: () => json(Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`k${i}`, i]))),
  },
  { describe: 'a 500,000-character string', body: () => json({ name: 'x'.repeat(500_000) }) },
  { describe: 'truncated JSON', body: () => '{"a":' },
  { describe: 'JSON with trailing garbage', body: () => '{"a":1}garbage' },
  { describe: 'a raw NUL', body: () => '\u0000' },
  { describe: 'the JSON literal null', body: () => 'null' },
  { describe: 'a JSON string', body: () => '"text"' },
  {
    describe: 'a prototype-polluting object',
    body: () => '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
  },
];

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
];

export async function fuzzOpenApi(
  baseUrl: string,
  document: OpenApiDocument,
  options: OpenApiFuzzOptions,
): Promise<FuzzFinding[]> {
  const findings: FuzzFinding[] = [];
  const maxMs = options.maxMs ?? 200;
  const runs = options.runsPerOperation ?? 20;
  const resolve = (schema: JsonSchema | undefined): JsonSchema | undefined => {
    if (!schema?.$ref) return schema;
    return document.components?.schemas?.[schema.$ref.split('/').pop()!];
  };
  /** A value the schema accepts, so that mutating one field of it reaches the deeper checks. */
  const sample = (schema: JsonSchema | undefined, depth = 0): unknown => {
    const s = resolve(schema);
    if (!s || depth > 6) return null;
    if (s.enum?.length) return s.enum[0];
    const combined = s.allOf?.[0] ?? s.oneOf?.[0] ?? s.anyOf?.[0];
    if (combined) return sample(combined, depth + 1);
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    switch (type) {
      case 'string':
        if (s.format === 'date') return '2026-01-01';
        if (s.format === 'date-time') return '2026-01-01T00:00:00.000Z';
        if (s.format === 'uuid') return '01900000-0000-7000-8000-000000000000';
        if (s.format === 'email') return 'fuzz@example.com';
        return 'x'.repeat(Math.max(1, s.minLength ?? 1));
      case 'integer':
      case 'number':
        return Math.max(1, s.minimum ?? 1);
      case 'boolean':
        return true;
      case 'array':
        return [sample(s.items, depth + 1)];
      default: {
        const out: Record<string, unknown> = {};
        for (const [key, property] of Object.entries(s.properties ?? {})) {
          if (s.required?.includes(key) || depth === 0) out[key] = sample(property, depth + 1);
        }
        return out;
      }
    }
  };
  /** The sample with one field (at any depth) replaced by a hostile value, or an unknown field added. */
  const mutated = (base: unknown) =>
    fc.tuple(fc.nat(), hostileValue, fc.boolean()).map(([pick, value, addField]) => {
      const copy = JSON.parse(JSON.stringify(base ?? {})) as unknown;
      const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
      const walk = (node: unknown) => {
        if (node && typeof node === 'object') {
          for (const [key, child] of Object.entries(node)) {
            slots.push({
              parent: node as Record<string, unknown>,
              key: Array.isArray(node) ? Number(key) : key,
            });
            walk(child);
          }
        }
      };
      walk(copy);
      if (addField || slots.length === 0) {
        if (copy && typeof copy === 'object' && !Array.isArray(copy))
          (copy as Record<string, unknown>)['unknownField'] = value;
        else return value;
      } else {
        const slot = slots[pick % slots.length];
        (slot.parent as Record<string | number, unknown>)[slot.key] = value;
      }
      return copy;
    });

  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const name = `${method.toUpperCase()} ${path}`;
      if (options.skip?.(method, path)) continue;
      const parameters = operation.parameters ?? [];
      const pathParams = parameters.filter((p) => p.in === 'path');
      const queryParams = parameters.filter((p) => p.in === 'query');
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const base = bodySchema ? sample(bodySchema) : undefined;
      // An operation that takes no input (health, metrics) has nothing to fuzz.
      if (parameters.length === 0 && !operation.requestBody && method === 'get') continue;

      const request: fc.Arbitrary<FuzzRequest> = fc
        .record({
          auth: fc.constantFrom(...options.authorizations),
          pathValues: fc.tuple(
            ...pathParams.map(() =>
              fc.oneof(hostileString, fc.constant('01900000-0000-7000-8000-000000000000'), fc.uuid()),
            ),
          ),
          queryValues: fc.tuple(...queryParams.map(() => fc.option(hostileString, { nil: undefined }))),
          body:
            bodySchema || method !== 'get'
              ? fc.oneof(
                  mutated(base).map((value) => ({ text: json(value), describe: 'mutated body' })),
                  hostileValue.map((value) => ({ text: json(value), describe: 'hostile body' })),
                  fc
                    .constantFrom(...PATHOLOGICAL_BODIES)
                    .map((p) => ({ text: p.body(), describe: p.describe })),
                )
              : fc.constant(undefined),
          contentType: fc.constantFrom(...CONTENT_TYPES),
        })
        .map(({ auth, pathValues, queryValues, body, contentType }) => {
          let url = path;
          pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, encodeHostile(pathValues[i]))));
          const query = queryParams
            .map((p, i) =>
              queryValues[i] === undefined ? undefined : `${p.name}=${encodeHostile(queryValues[i]!)}`,
            )
            .filter(Boolean);
          if (query.length > 0) url += `?${query.join('&')}`;
          const headers: Record<string, string> = {};
          if (auth) headers.authorization = auth;
          if (body) headers['content-type'] = contentType;
          return {
            method: method.toUpperCase(),
            url,
            headers,
            body: body?.text,
            describe: `${method.toUpperCase()} ${url.slice(0, 160)} [${contentType}; ${body?.describe ?? 'no body'}; ${auth ? 'token' : 'anonymous'}]`,
          };
        });

      const sampled = fc.sample(request, { seed: options.seed ?? 7, numRuns: runs });
      let slowest = 0;
      for (const candidate of sampled) {
        const write = candidate.method !== 'GET';
        const before = write ? await options.stateOf() : '';
        let answer = await send(baseUrl, candidate);
        if (answer.ms > maxMs) answer = await send(baseUrl, candidate); // slow twice is a finding
        slowest = Math.max(slowest, answer.ms);
        const problems: string[] = [];
        if (answer.status >= 500) problems.push(`answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        if (answer.ms > maxMs) problems.push(`took ${Math.round(answer.ms)} ms (> ${maxMs} ms)`);
        if (write && answer.status >= 400 && (await options.stateOf()) !== before) {
          problems.push(`was refused with ${answer.status} but changed the state`);
        }
        for (const problem of problems) {
          findings.push({ operation: name, request: candidate.describe, problem });
        }
      }
      options.log?.(`${name}: ${sampled.length} requests, slowest ${Math.round(slowest)} ms`);
    }
  }
  return findings;
}

async function send(
  baseUrl: string,
  request: FuzzRequest,
): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}${request.url}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, ms: performance.now() - started, text };
  } catch (error) {
    // A request the client could not even send (an illegal URL) is not the server's doing.
    if (error instanceof TypeError && /Invalid URL|invalid/i.test(String(error.message))) {
      return { status: 400, ms: 0, text: 'not sendable' };
    }
    return { status: 599, ms: performance.now() - started, text: `no answer: ${(error as Error).message}` };
  }
}

/**
 * Fuzzes a service started by a test (startTestService or startServiceProcess) with an anonymous
 * caller, a customer and an operator; the state fingerprint is the service's event count, so a
 * refused write must append nothing. Returns the findings (a test expects none).
 */
export async function fuzzService(
  service: RunningService,
  options: Partial<OpenApiFuzzOptions> = {},
): Promise<FuzzFinding[]> {
  const document = (await service.http('/docs-json')).body as OpenApiDocument;
  const db = new Client({ connectionString: service.database.url });
  await db.connect();
  try {
    return await fuzzOpenApi(service.baseUrl, document, {
      authorizations: [
        undefined,
        await service.tokens.bearer('01900000-0000-7000-8000-00000000c001', 'customer'),
        await service.tokens.bearer('01900000-0000-7000-8000-00000000a001', 'operator', 'admin'),
      ],
      stateOf: async () => {
        const [{ n }] = (await db.query(`SELECT count(*)::text AS n FROM es_events`)).rows;
        return n as string;
      },
      runsPerOperation: Number(process.env.FUZZ_RUNS ?? 20),
      ...options,
    });
  } finally {
    await db.end();
  }
}
