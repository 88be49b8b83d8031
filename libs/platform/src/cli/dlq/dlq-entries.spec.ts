import type { IncomingMessage } from '@ecom/messaging';
import {
  dlqTopicNamed,
  parseEntryId,
  planRedrive,
  readDlq,
  REDRIVE_OF_HEADER,
  REDRIVEN_FROM_HEADER,
  RedriveRefused,
} from './dlq-entries';

const DLQ = 'orders.events.dlq';
const AT = '2026-05-01T10:00:00.000Z';

/** A message as the consumer dead-letters it: the original key, bytes and headers plus dlq-* headers. */
function deadLettered(
  offset: number,
  options: { consumer?: string; originalOffset?: number; error?: string; value?: string | Buffer } = {},
): IncomingMessage {
  const value =
    options.value ??
    JSON.stringify({ id: `e-${options.originalOffset ?? offset}`, type: 'OrderPlaced', aggregateId: 'o-1' });
  return {
    topic: DLQ,
    partition: 0,
    offset: String(offset),
    key: 'o-1',
    value: Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers: {
      'content-type': 'application/json',
      'event-type': 'OrderPlaced',
      'dlq-error': options.error ?? 'SKU-1 is unknown',
      'dlq-error-type': 'NotFoundError',
      'dlq-original-topic': 'orders.events',
      'dlq-original-partition': '2',
      'dlq-original-offset': String(options.originalOffset ?? 100 + offset),
      'dlq-consumer': options.consumer ?? 'inventory.order-reservations',
      'dlq-failed-at': '2026-05-01T09:00:00.000Z',
    },
    timestamp: Date.parse('2026-05-01T09:00:00.000Z'),
  };
}

/** The messages a plan sends to the DLQ (its markers), as a consumer of the DLQ would read them back. */
function markersOf(plan: ReturnType<typeof planRedrive>, firstOffset: number): IncomingMessage[] {
  return plan.messages
    .filter((m) => m.topic === DLQ)
    .map((m, i) => ({
      topic: DLQ,
      partition: 0,
      offset: String(firstOffset + i),
      key: m.key,
      value: Buffer.from(m.value),
      headers: m.headers ?? {},
      timestamp: Date.parse(AT),
    }));
}

describe('DLQ entries and redrive plans', () => {
  it('names a DLQ by its topic or itself, and an entry by its offset or partition:offset', () => {
    const topics = ['orders.events', 'catalog.events'];
    expect(dlqTopicNamed('orders.events', topics)).toBe(DLQ);
    expect(dlqTopicNamed('orders.events.dlq', topics)).toBe(DLQ);
    expect(dlqTopicNamed('order.events', topics)).toBeUndefined();
    expect(parseEntryId('12')).toEqual({ partition: 0, offset: '12' });
    expect(parseEntryId('1:007')).toEqual({ partition: 1, offset: '7' });
    expect(parseEntryId('-1')).toBeUndefined();
    expect(parseEntryId('twelve')).toBeUndefined();
  });

  it('reads the error, the consumer, the original position and event, and keeps the original headers only', () => {
    const [entry] = readDlq(DLQ, [deadLettered(0)]);
    expect(entry).toMatchObject({
      id: '0',
      key: 'o-1',
      error: { type: 'NotFoundError', message: 'SKU-1 is unknown' },
      consumer: 'inventory.order-reservations',
      failedAt: '2026-05-01T09:00:00.000Z',
      original: { topic: 'orders.events', partition: 2, offset: '100' },
      event: { id: 'e-0', type: 'OrderPlaced', aggregateId: 'o-1' },
      headers: { 'content-type': 'application/json', 'event-type': 'OrderPlaced' },
      redriven: null,
    });
    const [garbage] = readDlq(DLQ, [deadLettered(1, { value: '{not json' })]);
    expect(garbage.event).toBeNull();
    expect(garbage.payload).toBe('{not json');
  });

  it('sends the original bytes back to the original topic with the same key, and marks the DLQ message', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x7b]);
    const entries = readDlq(DLQ, [deadLettered(0), deadLettered(1, { value: bytes })]);
    const plan = planRedrive(DLQ, entries, { ids: ['1'] }, { force: false, at: AT, by: 'ops' });
    expect(plan.redrive.map((e) => e.id)).toEqual(['1']);
    const [original, marker] = plan.messages;
    expect(original).toMatchObject({
      topic: 'orders.events',
      key: 'o-1',
      headers: {
        'content-type': 'application/json',
        'event-type': 'OrderPlaced',
        [REDRIVEN_FROM_HEADER]: `${DLQ}:0:1`,
      },
    });
    expect(Buffer.compare(original.value as Buffer, bytes)).toBe(0);
    expect(marker).toMatchObject({ topic: DLQ, headers: { [REDRIVE_OF_HEADER]: '0:1' } });
    expect(JSON.parse(String(marker.value))).toEqual({
      original: { topic: 'orders.events', partition: 2, offset: '101' },
      at: AT,
      by: 'ops',
      forced: false,
    });
  });

  it('refuses a second redrive of the same message unless forced, and says who redrove it when', () => {
    const messages = [deadLettered(0), deadLettered(1)];
    const first = planRedrive(
      DLQ,
      readDlq(DLQ, messages),
      { ids: ['0'] },
      { force: false, at: AT, by: 'ops' },
    );
    const after = readDlq(DLQ, [...messages, ...markersOf(first, 2)]);
    expect(after[0].redriven).toMatchObject({ at: AT, by: 'ops', markerOffset: '2' });
    expect(after[1].redriven).toBeNull();

    const again = () => planRedrive(DLQ, after, { ids: ['1', '0'] }, { force: false, at: AT, by: 'ops' });
    expect(again).toThrow(RedriveRefused);
    expect(again).toThrow(`0: already redriven at ${AT} by ops (--force sends it again)`);
    const forced = planRedrive(DLQ, after, { ids: ['0'] }, { force: true, at: AT, by: 'ops' });
    expect(forced.redrive.map((e) => e.id)).toEqual(['0']);
    expect(JSON.parse(String(forced.messages[1].value)).forced).toBe(true);

    // --all takes what was not redriven and says what it left out.
    const all = planRedrive(DLQ, after, { all: true }, { force: false, at: AT, by: 'ops' });
    expect(all.redrive.map((e) => e.id)).toEqual(['1']);
    expect(all.alreadyRedriven.map((e) => e.id)).toEqual(['0']);
  });

  it('refuses an offset that holds no dead-lettered message (a marker is not one)', () => {
    const messages = [deadLettered(0)];
    const plan = planRedrive(DLQ, readDlq(DLQ, messages), { all: true }, { force: false, at: AT, by: 'ops' });
    const entries = readDlq(DLQ, [...messages, ...markersOf(plan, 1)]);
    expect(entries).toHaveLength(1);
    expect(() => planRedrive(DLQ, entries, { ids: ['1'] }, { force: true, at: AT, by: 'ops' })).toThrow(
      `1: no dead-lettered message at this offset of ${DLQ}`,
    );
  });

  it('sends one original for the copies several consumers dead-lettered, and counts them all as redriven', () => {
    const messages = [
      deadLettered(0, { consumer: 'inventory.order-reservations', originalOffset: 7 }),
      deadLettered(1, { consumer: 'members.order-spend', originalOffset: 7 }),
      deadLettered(2, { originalOffset: 8 }),
    ];
    const plan = planRedrive(
      DLQ,
      readDlq(DLQ, messages),
      { ids: ['0', '1'] },
      { force: false, at: AT, by: 'ops' },
    );
    expect(plan.messages.filter((m) => m.topic === 'orders.events')).toHaveLength(1);
    expect(plan.messages.filter((m) => m.topic === DLQ)).toHaveLength(2);

    // A copy redriven through another copy is covered too.
    const single = planRedrive(
      DLQ,
      readDlq(DLQ, messages),
      { ids: ['0'] },
      { force: false, at: AT, by: 'ops' },
    );
    const after = readDlq(DLQ, [...messages, ...markersOf(single, 3)]);
    expect(after.map((e) => e.redriven !== null)).toEqual([true, true, false]);
  });
});
