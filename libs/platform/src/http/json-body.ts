import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * What a JSON body may hold besides its byte size (Fastify's bodyLimit, 413 above it). The limits are
 * far above any body the contract takes (the largest: a product with 200 SKUs of 50 attributes) and
 * far below what makes validation slow: class-transformer's cost grows faster than linearly with the
 * keys of one object (60,000 unknown keys took seconds), and it recurses, so a deep body overflowed
 * the stack (500).
 */
export interface JsonBodyLimits {
  /** Nesting of objects and arrays. */
  maxDepth: number;
  /** Keys of all objects together. */
  maxKeys: number;
  /** Keys of one object. */
  maxKeysPerObject: number;
  /** Items of all arrays together. */
  maxArrayItems: number;
  /** Length of one string, keys included, in UTF-16 code units (JavaScript's `length`). */
  maxStringLength: number;
}

export const JSON_BODY_LIMITS: JsonBodyLimits = {
  maxDepth: 32,
  maxKeys: 12_000,
  maxKeysPerObject: 1_000,
  maxArrayItems: 10_000,
  maxStringLength: 10_000,
};

const QUOTE = 34;
const BACKSLASH = 92;
const LETTER_U = 117;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COLON = 58;
const COMMA = 44;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

function tooLarge(message: string): never {
  throw new BadRequestException(`Body rejected: ${message}`);
}

/**
 * One pass over the JSON text, before it is parsed, counting what the limits bound: it stops at the
 * first excess, so a hostile megabyte costs a few milliseconds at most. Returns whether a string
 * holds a NUL (`\u0000`) or an unpaired surrogate escape (then the parsed body is searched for where).
 * Malformed JSON is left to the parser, which rejects it.
 */
export function scanJsonText(text: string, limits: JsonBodyLimits = JSON_BODY_LIMITS): boolean {
  const isArray = new Uint8Array(limits.maxDepth + 2);
  const keysOf = new Uint32Array(limits.maxDepth + 2);
  const n = text.length;
  let depth = 0;
  let keys = 0;
  let items = 0;
  let illegal = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let length = 0;
      i++;
      while (i < n) {
        const s = text.charCodeAt(i);
        if (s === QUOTE) break;
        if (s === BACKSLASH) {
          if (text.charCodeAt(i + 1) === LETTER_U) {
            const code = parseInt(text.substr(i + 2, 4), 16);
            if (code === 0) illegal = true;
            else if (isHighSurrogate(code)) {
              const low =
                text.charCodeAt(i + 6) === BACKSLASH && text.charCodeAt(i + 7) === LETTER_U
                  ? parseInt(text.substr(i + 8, 4), 16)
                  : NaN;
              if (isLowSurrogate(low)) {
                length += 2;
                i += 12;
                continue;
              }
              illegal = true;
            } else if (isLowSurrogate(code)) illegal = true;
            length++;
            i += 6;
            continue;
          }
          length++;
          i += 2;
          continue;
        }
        if (s === 0 || isLowSurrogate(s)) illegal = true;
        else if (isHighSurrogate(s)) {
          if (isLowSurrogate(text.charCodeAt(i + 1))) {
            length += 2;
            i += 2;
            continue;
          }
          illegal = true;
        }
        length++;
        i++;
      }
      if (length > limits.maxStringLength) {
        tooLarge(`a string is longer than ${limits.maxStringLength} characters`);
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth > limits.maxDepth) tooLarge(`nested deeper than ${limits.maxDepth} levels`);
      isArray[depth] = c === OPEN_ARRAY ? 1 : 0;
      keysOf[depth] = 0;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth > 0) depth--;
    } else if (c === COLON) {
      keys++;
      keysOf[depth]++;
      if (keysOf[depth] > limits.maxKeysPerObject) {
        tooLarge(`an object has more than ${limits.maxKeysPerObject} keys`);
      }
      if (keys > limits.maxKeys) tooLarge(`more than ${limits.maxKeys} keys in all`);
    } else if (c === COMMA && isArray[depth] === 1) {
      items++;
      if (items > limits.maxArrayItems) tooLarge(`more than ${limits.maxArrayItems} array items in all`);
    }
    i++;
  }
  return illegal;
}

/** A NUL character or an unpaired UTF-16 surrogate: neither can be stored in PostgreSQL text or jsonb. */
const ILLEGAL = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasIllegalCharacter(value: string): boolean {
  return ILLEGAL.test(value);
}

export function illegalCharacterMessage(where: string): string {
  return `${where} must not contain NUL characters or unpaired surrogates`;
}

/** Where in a parsed body the first string (key or value) with a NUL or an unpaired surrogate is. */
export function findIllegalString(root: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (hasIllegalCharacter(value)) return path || 'the body';
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) {
        stack.push([value[index], path ? `${path}.${index}` : String(index)]);
      }
    } else if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index];
        if (hasIllegalCharacter(key)) return path ? `a key of ${path}` : 'a key of the body';
        stack.push([(value as Record<string, unknown>)[key], path ? `${path}.${key}` : key]);
      }
    }
  }
  return undefined;
}

/**
 * The only body parser of a service: application/json within the limits above, strings without NUL
 * or unpaired surrogates (400 naming the field); prototype poisoning refused as Fastify does. Every
 * other content type gets 415 (Fastify's answer when no parser matches): no form-encoded or
 * text/plain bodies reach a route that validates JSON.
 */
export function registerJsonBodyParser(
  fastify: FastifyInstance,
  bodyLimit: number,
  limits: JsonBodyLimits = JSON_BODY_LIMITS,
): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit },
    (request: FastifyRequest, text: string | Buffer, done: (error: Error | null, body?: unknown) => void) => {
      let illegal: boolean;
      try {
        illegal = scanJsonText(String(text), limits);
      } catch (error) {
        done(error as Error);
        return;
      }
      parseJson(request, text as string, (error: Error | null, body?: unknown) => {
        if (error) return done(error);
        const where = illegal ? findIllegalString(body) : undefined;
        if (where) return done(new BadRequestException(illegalCharacterMessage(where)));
        done(null, body);
      });
    },
  );
}

/**
 * Path parameters and query values are checked before validation (the body is checked by the
 * parser): a NUL or an unpaired surrogate is 400 naming the parameter, instead of a 500 from
 * PostgreSQL. Header values need nothing: Node refuses a NUL in a header with 400, and header values
 * are Latin-1, without surrogates.
 */
export function rejectIllegalParameters(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const where = illegalIn(request.params, 'path parameter') ?? illegalIn(request.query, 'query parameter');
    done(where ? new BadRequestException(illegalCharacterMessage(where)) : undefined);
  });
}

function illegalIn(values: unknown, kind: string): string | undefined {
  if (typeof values !== 'object' || values === null) return undefined;
  for (const [name, value] of Object.entries(values)) {
    if (hasIllegalCharacter(name)) return `a ${kind} name`;
    const list = Array.isArray(value) ? value : [value];
    for (const item of list) {
      if (typeof item === 'string' && hasIllegalCharacter(item)) return `${kind} ${name}`;
    }
  }
  return undefined;
}
