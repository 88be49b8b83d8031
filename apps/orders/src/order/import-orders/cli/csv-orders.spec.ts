import { readFileSync } from 'fs';
import { join } from 'path';
import { CSV_COLUMNS, CsvOrderGrouper, CsvOutput, csvRejection, parseCsvHeader } from './csv-orders';

const EXAMPLES = join(__dirname, '../../../../../../docs/examples');

/** Rows as the CSV parser gives them, numbered from line 2 (line 1 is the header). */
function group(rows: string[][], header: readonly string[] = CSV_COLUMNS): CsvOutput[] {
  const grouper = new CsvOrderGrouper(parseCsvHeader(header));
  return [...rows.flatMap((row, index) => grouper.push(row, index + 2)), ...grouper.end()];
}

const row = (values: Partial<Record<(typeof CSV_COLUMNS)[number], string>>) =>
  CSV_COLUMNS.map((column) => values[column] ?? '');
const order = { source_order_id: 'A-1', customer_ref: 'c-1', placed_at: '2024-03-01T10:00:00Z' };
const paid = { ...order, paid_at: '2024-03-01T10:01:00Z' };

const parsed = (outputs: CsvOutput[]) =>
  outputs.map((o) => (o.kind === 'order' ? { ...JSON.parse(o.text), lines: o.lines } : o));

describe('CSV rows to import lines', () => {
  it('groups consecutive rows of one order into its items and refunds, numbers as numbers', () => {
    const outputs = group([
      row({ ...paid, channel: 'web', sku: 'TEE', quantity: '2', price: '1999' }),
      row({ source_order_id: 'A-1', sku: 'CAP', quantity: '1', price: '500' }),
      row({
        ...paid,
        refund_amount: '500',
        refund_at: '2024-03-05T00:00:00Z',
        refund_reason: 'cap returned',
      }),
      row({
        source_order_id: 'B-2',
        customer_ref: 'c-2',
        placed_at: '2024-03-02T00:00:00Z',
        sku: 'MUG',
        quantity: '1',
        price: '800',
      }),
    ]);
    expect(parsed(outputs)).toEqual([
      {
        sourceOrderId: 'A-1',
        customerRef: 'c-1',
        placedAt: '2024-03-01T10:00:00Z',
        paidAt: '2024-03-01T10:01:00Z',
        channel: 'web',
        items: [
          { sku: 'TEE', quantity: 2, price: 1999 },
          { sku: 'CAP', quantity: 1, price: 500 },
        ],
        refunds: [{ amount: 500, at: '2024-03-05T00:00:00Z', reason: 'cap returned' }],
        lines: { first: 2, items: [2, 3], refunds: [4] },
      },
      {
        sourceOrderId: 'B-2',
        customerRef: 'c-2',
        placedAt: '2024-03-02T00:00:00Z',
        items: [{ sku: 'MUG', quantity: 1, price: 800 }],
        lines: { first: 5, items: [5], refunds: [] },
      },
    ]);
  });

  it('sends what is not a whole number as it is, for the import to name the field', () => {
    const [line] = parsed(group([row({ ...order, sku: 'TEE', quantity: 'two', price: '19.99' })]));
    expect(line.items).toEqual([{ sku: 'TEE', quantity: 'two', price: '19.99' }]);
  });

  it('rejects the whole order at the row that breaks it; other orders go on', () => {
    const outputs = group([
      row({ ...order, sku: 'TEE', quantity: '1', price: '1' }),
      row({ ...order, customer_ref: 'someone-else', sku: 'CAP', quantity: '1', price: '1' }),
      row({ source_order_id: 'B-2', customer_ref: 'c-2', placed_at: '2024-03-02T00:00:00Z' }),
      row({ source_order_id: '', customer_ref: 'c-3', sku: 'X', quantity: '1', price: '1' }),
      ['C-3', 'too', 'few'],
      row({
        source_order_id: 'D-4',
        customer_ref: 'c-4',
        placed_at: '2024-03-02T00:00:00Z',
        quantity: '1',
        price: '2',
      }),
      row({
        source_order_id: 'E-5',
        customer_ref: 'c-5',
        placed_at: '2024-03-03T00:00:00Z',
        sku: 'OK',
        quantity: '1',
        price: '2',
      }),
    ]);
    expect(
      outputs.filter((o) => o.kind === 'rejected').map((o) => o.kind === 'rejected' && o.rejection),
    ).toEqual([
      { line: 3, field: 'customer_ref', reason: 'differs from the first row of order A-1' },
      { line: 5, field: 'source_order_id', reason: 'is required' },
      { line: 6, field: null, reason: 'the row has 3 fields, the header 12' },
      { line: 4, field: 'sku', reason: 'a row needs a sku (an item) or a refund_amount (a refund)' },
      { line: 7, field: 'sku', reason: 'is required on a row with a quantity or price' },
    ]);
    expect(parsed(outputs.filter((o) => o.kind === 'order')).map((o) => o.sourceOrderId)).toEqual(['E-5']);
  });

  it('refuses a header with an unknown, repeated or missing column', () => {
    expect(() => parseCsvHeader([...CSV_COLUMNS, 'coupon'])).toThrow('unknown CSV column "coupon"');
    expect(() => parseCsvHeader([...CSV_COLUMNS, 'sku'])).toThrow('sku appears twice');
    expect(() => parseCsvHeader(['source_order_id', 'customer_ref', 'placed_at', 'sku'])).toThrow(
      'lacks the column(s) quantity, price',
    );
    // Optional columns may be left out, in any order.
    expect(
      group(
        [['2', 'TEE', 'c-1', 'A-1', '2024-03-01T10:00:00Z', '100']],
        ['quantity', 'sku', 'customer_ref', 'source_order_id', 'placed_at', 'price'],
      ),
    ).toMatchObject([
      { kind: 'order', text: expect.stringContaining('"items":[{"sku":"TEE","quantity":2,"price":100}]') },
    ]);
  });

  it('reports an answered rejection at the row and in the column it came from', () => {
    const lines = { first: 10, items: [10, 11, 12], refunds: [13] };
    expect(csvRejection(lines, 'items.2.price', 'must be an integer')).toEqual({
      line: 12,
      field: 'price',
      reason: 'must be an integer',
    });
    expect(csvRejection(lines, 'refunds.0.at', 'r')).toMatchObject({ line: 13, field: 'refund_at' });
    expect(csvRejection(lines, 'paidAt', 'r')).toMatchObject({ line: 10, field: 'paid_at' });
    expect(csvRejection(lines, 'refunds', 'r')).toMatchObject({ line: 13, field: 'refunds' });
    expect(csvRejection(lines, 'items', 'r')).toMatchObject({ line: 10, field: 'items' });
    expect(csvRejection(lines, null, 'r')).toMatchObject({ line: 10, field: null });
  });

  it('turns the example CSV into the same orders as the example JSON lines', () => {
    const csv = readFileSync(join(EXAMPLES, 'orders-import.csv'), 'utf8').trim().split('\n');
    // The example has no quoted fields: a split is its parse.
    const rows = csv.slice(1).map((line) => line.split(','));
    const fromCsv = group(rows, csv[0].split(',')).map((o) => (o.kind === 'order' ? JSON.parse(o.text) : o));
    const fromJsonLines = readFileSync(join(EXAMPLES, 'orders-import.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(fromCsv).toEqual(fromJsonLines);
  });
});
