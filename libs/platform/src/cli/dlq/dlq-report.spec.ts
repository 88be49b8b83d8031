import type { IncomingMessage } from '@ecom/messaging';
import { planRedrive, readDlq } from './dlq-entries';
import { entryView, renderEntry, renderList, renderRedrive } from './dlq-report';

const DLQ = 'orders.events.dlq';

function deadLettered(offset: number, value: string, error: [string, string]): IncomingMessage {
  return {
    topic: DLQ,
    partition: 0,
    offset: String(offset),
    key: 'o-1',
    value: Buffer.from(value),
    timestamp: 0,
    headers: {
      'event-type': 'OrderPlaced',
      'dlq-error-type': error[0],
      'dlq-error': error[1],
      'dlq-original-topic': 'orders.events',
      'dlq-original-partition': '2',
      'dlq-original-offset': String(100 + offset),
      'dlq-consumer': 'inventory.order-reservations',
      'dlq-failed-at': '2026-05-01T09:00:00.000Z',
    },
  };
}

/** Two dead-lettered messages, the first redriven by alice. */
function entries() {
  const messages = [
    deadLettered(0, JSON.stringify({ id: 'e1', type: 'OrderPlaced', aggregateId: 'o-1' }), [
      'NotFoundError',
      `SKU TEE-RED-M is unknown ${'and the reason goes on '.repeat(5)}`,
    ]),
    deadLettered(1, '{not json', ['EventValidationError', 'message is not JSON']),
  ];
  const plan = planRedrive(
    DLQ,
    readDlq(DLQ, messages),
    { ids: ['0'] },
    { force: false, at: 'T10', by: 'alice' },
  );
  const [marker] = plan.messages.filter((m) => m.topic === DLQ);
  return readDlq(DLQ, [
    ...messages,
    {
      ...messages[0],
      offset: '2',
      key: marker.key,
      value: Buffer.from(marker.value),
      headers: marker.headers!,
    },
  ]);
}

describe('DLQ report', () => {
  it('lists each message on a line with its error clipped, says which were redriven and which DLQs are empty', () => {
    const text = renderList([
      { dlqTopic: DLQ, entries: entries() },
      { dlqTopic: 'catalog.events.dlq', entries: [] },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`${DLQ}: 2 message(s), 1 redriven`);
    expect(lines[1].split(/\s{2,}/)).toEqual([
      '',
      'OFFSET',
      'FAILED AT',
      'CONSUMER',
      'EVENT',
      'ERROR',
      'REDRIVEN',
    ]);
    expect(lines[2]).toMatch(
      /^ {2}0 .* OrderPlaced o-1 .* NotFoundError: SKU TEE-RED-M is unknown .*… +T10 by alice$/,
    );
    expect(lines[3]).toMatch(/^ {2}1 .* \(not an event\) .* EventValidationError: message is not JSON$/);
    expect(lines[lines.length - 1]).toBe('empty: catalog.events.dlq');
    expect(renderList([{ dlqTopic: DLQ, entries: [] }])).toBe(`nothing dead-lettered: ${DLQ}\n`);
  });

  it('shows one message in full, its JSON payload indented, and prints JSON without the raw bytes', () => {
    const [redriven, garbage] = entries();
    const text = renderEntry(redriven);
    expect(text).toContain(`${DLQ} offset 0\n`);
    expect(text).toMatch(/^original +orders\.events partition 2 offset 100$/m);
    expect(text).toMatch(/^redriven +T10 by alice, marker at offset 2$/m);
    expect(text).toContain('payload\n{\n  "id": "e1",');
    expect(renderEntry(garbage)).toMatch(/^redriven +no$/m);
    expect(renderEntry(garbage)).toContain('payload\n{not json\n');
    expect(entryView(redriven)).not.toHaveProperty('bytes');
  });

  it('says what a redrive sent where and what it left out', () => {
    const plan = planRedrive(DLQ, entries(), { all: true }, { force: false, at: 'T11', by: 'bob' });
    expect(renderRedrive(plan, false)).toBe(
      `redrove 1 message(s) of ${DLQ} (offsets 1) as 1 message(s) to orders.events\n` +
        'left out 1 already redriven (offsets 0); --force sends them again\n',
    );
    expect(renderRedrive(plan, true)).toMatch(/^would redrive 1 message/);
  });
});
