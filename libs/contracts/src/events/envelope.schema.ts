import { Type } from '@sinclair/typebox';
import { Nullable, Timestamp } from './common.schemas';

/** JSON Schema of the envelope (docs/contract.md section 3); `data` is checked against the event's own schema. */
export const EventEnvelopeSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    type: Type.String({ minLength: 1 }),
    version: Type.Integer({ minimum: 1 }),
    source: Type.String({ minLength: 1 }),
    aggregateType: Type.String({ minLength: 1 }),
    aggregateId: Type.String({ minLength: 1, maxLength: 200 }),
    sequence: Type.Integer({ minimum: 1 }),
    occurredAt: Timestamp,
    correlationId: Type.String({ minLength: 1 }),
    causationId: Nullable(Type.String({ minLength: 1 })),
    data: Type.Object({}),
  },
  { additionalProperties: false },
);
