import { EventEnvelope } from '@ecom/contracts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Asserts every field of the envelope (docs/contract.md section 3), with the exact data. */
export function expectEnvelope(
  event: EventEnvelope | undefined,
  expected: {
    type: string;
    aggregateType: string;
    aggregateId: string;
    sequence: number;
    correlationId?: string;
    data: unknown;
  },
): void {
  expect(event).toEqual({
    id: expect.stringMatching(UUID_V7),
    type: expected.type,
    version: 1,
    source: 'catalog',
    aggregateType: expected.aggregateType,
    aggregateId: expected.aggregateId,
    sequence: expected.sequence,
    occurredAt: expect.stringMatching(ISO_MILLIS),
    correlationId: expected.correlationId ?? expect.any(String),
    causationId: null,
    data: expected.data,
  });
}
