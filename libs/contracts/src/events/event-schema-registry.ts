import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { EventEnvelope } from '../envelope';
import { EventDefinition } from './define-event';
import { EventEnvelopeSchema } from './envelope.schema';

/** Why an event was refused: unknown type or version, bad envelope, or data not matching its schema. */
export class EventValidationError extends Error {
  constructor(
    message: string,
    readonly eventType?: string,
  ) {
    super(message);
    this.name = 'EventValidationError';
  }
}

/** "data/price must be >= 1; data has unknown property 'foo'": names the field in every message. */
function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const path = `data${e.instancePath}`;
      if (e.keyword === 'additionalProperties')
        return `${path} has unknown property '${String(e.params.additionalProperty)}'`;
      return `${path} ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}

const keyOf = (type: string, version: number) => `${type}@${version}`;

/**
 * The versioned event schemas known to a process. Producers validate before an event is stored,
 * consumers validate what they receive; a message that fails either way is a poison message.
 */
export class EventSchemaRegistry {
  private readonly ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  private readonly definitions = new Map<string, EventDefinition>();
  private readonly validators = new Map<string, ValidateFunction>();
  // Looked up for every event appended: kept current on register instead of scanned.
  private readonly newest = new Map<string, EventDefinition>();
  private readonly validateEnvelope = this.ajv.compile(EventEnvelopeSchema);

  constructor(definitionSets: Iterable<Record<string, EventDefinition>> = []) {
    for (const set of definitionSets) this.registerAll(set);
  }

  registerAll(definitions: Record<string, EventDefinition>): this {
    for (const definition of Object.values(definitions)) this.register(definition);
    return this;
  }

  register(definition: EventDefinition): this {
    const key = keyOf(definition.type, definition.version);
    const existing = this.definitions.get(key);
    if (existing && existing !== definition) {
      throw new Error(`event ${key} is registered twice with different definitions`);
    }
    this.definitions.set(key, definition);
    this.validators.set(key, this.ajv.compile(definition.schema));
    const newest = this.newest.get(definition.type);
    if (!newest || definition.version > newest.version) this.newest.set(definition.type, definition);
    return this;
  }

  get(type: string, version: number): EventDefinition {
    const definition = this.definitions.get(keyOf(type, version));
    if (!definition) throw new EventValidationError(`unknown event type ${type} version ${version}`, type);
    return definition;
  }

  has(type: string, version: number): boolean {
    return this.definitions.has(keyOf(type, version));
  }

  /** The newest registered version of a type: what producers write. */
  latest(type: string): EventDefinition {
    const newest = this.newest.get(type);
    if (!newest) throw new EventValidationError(`unknown event type ${type}`, type);
    return newest;
  }

  all(): EventDefinition[] {
    return [...this.definitions.values()];
  }

  /** Checks `data` of one event type and version; throws EventValidationError naming the fields. */
  validateData(type: string, version: number, data: unknown): void {
    this.get(type, version);
    const validate = this.validators.get(keyOf(type, version))!;
    if (!validate(data)) {
      throw new EventValidationError(
        `${type} v${version} data invalid: ${describeErrors(validate.errors)}`,
        type,
      );
    }
  }

  /** Checks a whole envelope (shape, then data) and returns it typed. */
  validate(candidate: unknown): EventEnvelope {
    if (!this.validateEnvelope(candidate)) {
      throw new EventValidationError(`envelope invalid: ${describeErrors(this.validateEnvelope.errors)}`);
    }
    const envelope = candidate as EventEnvelope;
    this.validateData(envelope.type, envelope.version, envelope.data);
    return envelope;
  }

  /** Parses a raw Kafka message value and validates it. */
  parse(raw: Buffer | string | null): EventEnvelope {
    if (raw === null) throw new EventValidationError('message has no value');
    let candidate: unknown;
    try {
      candidate = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    } catch (error) {
      throw new EventValidationError(`message is not JSON: ${(error as Error).message}`);
    }
    return this.validate(candidate);
  }
}
