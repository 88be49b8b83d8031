import { parseTimestamp, validateImportLine, validateImportRecord } from './import-line.validator';
import { splitLines } from './ndjson-lines';

const NOW = new Date('2025-06-01T00:00:00.000Z');

const good = {
  sourceOrderId: 'TM-1001',
  customerRef: 'cust-88231',
  placedAt: '2024-03-01T10:00:00+08:00',
  paidAt: '2024-03-01T10:02:13.5+08:00',
  channel: 'web',
  currency: 'USD',
  items: [
    { sku: 'TEE-RED-M', quantity: 2, price: 1999 },
    { sku: 'GIFT-CARD-SLEEVE', quantity: 1, price: 0 },
  ],
  refunds: [{ amount: 1999, at: '2024-03-05T12:00:00Z', reason: 'size too small' }],
};

const rejectionOf = (value: unknown) => {
  const result = validateImportRecord(value, 3, NOW);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.order)}`);
  return result.rejection;
};

describe('order-history import: one line', () => {
  it('normalises a valid line: UTC times with milliseconds, defaults for the optional fields', () => {
    expect(validateImportLine(JSON.stringify(good), 1, NOW)).toEqual({
      ok: true,
      line: 1,
      order: {
        sourceOrderId: 'TM-1001',
        customerRef: 'cust-88231',
        placedAt: '2024-03-01T02:00:00.000Z',
        paidAt: '2024-03-01T02:02:13.500Z',
        channel: 'web',
        currency: 'USD',
        items: good.items,
        refunds: [{ amount: 1999, at: '2024-03-05T12:00:00.000Z', reason: 'size too small' }],
      },
    });
    const minimal = validateImportRecord(
      {
        sourceOrderId: 'A',
        customerRef: 'B',
        placedAt: '2024-01-01T00:00Z',
        items: [{ sku: 'S', quantity: 1, price: 1 }],
      },
      1,
      NOW,
    );
    expect(minimal).toMatchObject({
      ok: true,
      order: {
        paidAt: null,
        channel: null,
        currency: 'CNY',
        refunds: [],
        placedAt: '2024-01-01T00:00:00.000Z',
      },
    });
  });

  it.each<[string, Record<string, unknown>, string | null, RegExp]>([
    ['an unknown field', { coupon: 'X' }, 'coupon', /unknown field/],
    ['a missing sourceOrderId', { sourceOrderId: undefined }, 'sourceOrderId', /required/],
    ['a missing items', { items: undefined }, 'items', /required/],
    ['a numeric sourceOrderId', { sourceOrderId: 1001 }, 'sourceOrderId', /must be a string/],
    ['an empty customerRef', { customerRef: '' }, 'customerRef', /1 to 64 characters/],
    ['a 65-character sourceOrderId', { sourceOrderId: 'x'.repeat(65) }, 'sourceOrderId', /1 to 64/],
    ['a NUL in the sourceOrderId', { sourceOrderId: 'A\u0000B' }, 'sourceOrderId', /NUL/],
    ['an unpaired surrogate in the customerRef', { customerRef: 'ab\ud800' }, 'customerRef', /surrogates/],
    ['a line break in a SKU', { items: [{ sku: 'A\nB', quantity: 1, price: 1 }] }, 'items.0.sku', /control/],
    ['surrounding whitespace', { customerRef: ' cust-1' }, 'customerRef', /whitespace/],
    ['an email as customerRef', { customerRef: 'li.lei@example.com' }, 'customerRef', /not an email/],
    ['a date without a zone', { placedAt: '2024-03-01T10:00:00' }, 'placedAt', /time zone/],
    ['a date only', { placedAt: '2024-03-01' }, 'placedAt', /time zone/],
    ['February 30', { placedAt: '2024-02-30T10:00:00Z' }, 'placedAt', /not a real date/],
    ['hour 24', { placedAt: '2024-03-01T24:00:00Z' }, 'placedAt', /not a real date/],
    [
      'a date in the future',
      { placedAt: '2025-06-01T00:00:01Z', paidAt: null, refunds: [] },
      'placedAt',
      /future/,
    ],
    ['a date before 1970', { placedAt: '1969-12-31T23:59:59Z' }, 'placedAt', /before 1970/],
    ['a number as a date', { placedAt: 1709251200000 }, 'placedAt', /date-time string/],
    ['a payment before the order', { paidAt: '2024-03-01T09:59:59+08:00' }, 'paidAt', /before placedAt/],
    ['a channel in capitals', { channel: 'Web' }, 'channel', /a-z/],
    ['a lower-case currency', { currency: 'cny' }, 'currency', /ISO 4217/],
    ['no items', { items: [] }, 'items', /1 to 200 items/],
    [
      '201 items',
      { items: Array.from({ length: 201 }, (_, i) => ({ sku: `S${i}`, quantity: 1, price: 1 })) },
      'items',
      /1 to 200/,
    ],
    ['items not an array', { items: { sku: 'A' } }, 'items', /must be an array/],
    ['an item not an object', { items: ['TEE'] }, 'items.0', /must be an object/],
    [
      'an unknown item field',
      { items: [{ sku: 'A', quantity: 1, price: 1, discount: 5 }] },
      'items.0.discount',
      /unknown/,
    ],
    [
      'a decimal price',
      { items: [{ sku: 'A', quantity: 1, price: 19.99 }] },
      'items.0.price',
      /integer \(unit price in minor units\)/,
    ],
    [
      'a price as a string',
      { items: [{ sku: 'A', quantity: 1, price: '1999' }] },
      'items.0.price',
      /integer/,
    ],
    ['a negative price', { items: [{ sku: 'A', quantity: 1, price: -1 }] }, 'items.0.price', /between 0 and/],
    [
      'a quantity of 0',
      { items: [{ sku: 'A', quantity: 0, price: 1 }] },
      'items.0.quantity',
      /between 1 and/,
    ],
    [
      'a huge quantity',
      { items: [{ sku: 'A', quantity: 10_000_000, price: 1 }] },
      'items.0.quantity',
      /between 1 and 1000000/,
    ],
    [
      'the same SKU twice',
      {
        items: [
          { sku: 'A', quantity: 1, price: 1 },
          { sku: 'A', quantity: 1, price: 2 },
        ],
        refunds: [],
      },
      'items.1.sku',
      /appears twice/,
    ],
    ['refunds on an unpaid order', { paidAt: null }, 'refunds', /only a paid order/],
    [
      'a refund before the payment',
      { refunds: [{ amount: 1, at: '2024-03-01T10:01:00+08:00' }] },
      'refunds.0.at',
      /before paidAt/,
    ],
    [
      'a refund of 0',
      { refunds: [{ amount: 0, at: '2024-03-05T12:00:00Z' }] },
      'refunds.0.amount',
      /between 1/,
    ],
    ['a refund without a date', { refunds: [{ amount: 1 }] }, 'refunds.0.at', /date-time string/],
    [
      'an unknown refund field',
      { refunds: [{ amount: 1, at: '2024-03-05T12:00:00Z', by: 'x' }] },
      'refunds.0.by',
      /unknown/,
    ],
    [
      'refunds above the total',
      {
        refunds: [
          { amount: 3000, at: '2024-03-05T12:00:00Z' },
          { amount: 999, at: '2024-03-06T12:00:00Z' },
        ],
      },
      'refunds',
      /add up to 3999, more than the order total 3998/,
    ],
    [
      'a refund reason of 201 characters',
      { refunds: [{ amount: 1, at: '2024-03-05T12:00:00Z', reason: 'r'.repeat(201) }] },
      'refunds.0.reason',
      /1 to 200/,
    ],
  ])('rejects %s, naming the field', (_case, change, field, reason) => {
    const rejection = rejectionOf({ ...good, ...change });
    expect(rejection).toEqual({ line: 3, field, reason: expect.stringMatching(reason) });
  });

  it('rejects a line that is not a JSON object, or not JSON at all, as a whole', () => {
    expect(rejectionOf([good])).toEqual({ line: 3, field: null, reason: 'a line must be a JSON object' });
    expect(rejectionOf(null)).toMatchObject({ field: null });
    const notJson = validateImportLine('{"sourceOrderId": "A",', 9, NOW);
    expect(notJson).toEqual({
      ok: false,
      rejection: { line: 9, field: null, reason: expect.stringMatching(/^not valid JSON: /) },
    });
  });

  it('never echoes an unstorable or huge field name back', () => {
    expect(rejectionOf({ ...good, 'bad\u0000key': 1 })).toEqual({
      line: 3,
      field: null,
      reason: 'a field name holds a control character or an unpaired surrogate',
    });
    const long = rejectionOf({ ...good, ['k'.repeat(5000)]: 1 });
    expect(long.field).toHaveLength(83);
  });

  it('accepts the edges: 200 items, 64-character ids, refunds adding up to the total, a refund at paidAt', () => {
    const result = validateImportRecord(
      {
        ...good,
        sourceOrderId: 'S'.repeat(64),
        customerRef: '客户-'.repeat(21).slice(0, 64),
        items: Array.from({ length: 200 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1, price: 10 })),
        refunds: [
          { amount: 1000, at: '2024-03-01T10:02:13.5+08:00' },
          { amount: 1000, at: '2024-03-09T00:00:00Z', reason: null },
        ],
      },
      1,
      NOW,
    );
    expect(result.ok).toBe(true);
  });
});

describe('parseTimestamp', () => {
  const parse = (value: string) => parseTimestamp(value, 'at', NOW.getTime());

  it('takes RFC 3339 with any offset and fraction and answers UTC with milliseconds', () => {
    expect(parse('2024-02-29T23:30:00-01:30')).toBe('2024-03-01T01:00:00.000Z');
    expect(parse('2024-03-01T10:00:00.123456789Z')).toBe('2024-03-01T10:00:00.123Z');
    expect(parse('2025-06-01T08:00:00+08:00')).toBe('2025-06-01T00:00:00.000Z');
  });
});

describe('splitting a JSON-lines body', () => {
  it('numbers lines as in the file, skips blank ones, drops CR and a byte order mark', () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"a":1}\r\n\n   \n{"b":"é"}\n{"c":3}'),
    ]);
    expect(splitLines(body, 1000)).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"b":"é"}' },
      { line: 5, text: '{"c":3}' },
    ]);
  });

  it('rejects a line of bad UTF-8 or over the size limit, and only that line', () => {
    const body = Buffer.concat([
      Buffer.from('{"ok":1}\n'),
      Buffer.from([0x7b, 0xed, 0xa0, 0x80, 0x7d, 0x0a]), // an encoded lone surrogate
      Buffer.from(`${'x'.repeat(50)}\n{"ok":2}`),
    ]);
    expect(splitLines(body, 40)).toEqual([
      { line: 1, text: '{"ok":1}' },
      { line: 2, error: 'the line is not valid UTF-8' },
      { line: 3, error: 'the line is longer than 40 bytes' },
      { line: 4, text: '{"ok":2}' },
    ]);
  });
});
