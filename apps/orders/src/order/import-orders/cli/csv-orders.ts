/**
 * The CSV form of the order-history import, turned into the JSON lines the import route takes. Pure:
 * rows in (as parsed fields with their file line), orders or rejections out.
 *
 * One row per order item; consecutive rows with the same source_order_id form one order (the order's
 * columns are taken from its first row: later rows may repeat them or leave them empty, not change
 * them). A row with an empty sku and a refund_amount carries a refund; a row may carry an item and a
 * refund together.
 */

export const CSV_COLUMNS = [
  'source_order_id',
  'customer_ref',
  'placed_at',
  'paid_at',
  'channel',
  'currency',
  'sku',
  'quantity',
  'price',
  'refund_amount',
  'refund_at',
  'refund_reason',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly CsvColumn[] = [
  'source_order_id',
  'customer_ref',
  'placed_at',
  'sku',
  'quantity',
  'price',
];
/** The columns that describe the order rather than one of its rows. */
const ORDER_COLUMNS: readonly CsvColumn[] = ['customer_ref', 'placed_at', 'paid_at', 'channel', 'currency'];

/** Where each column is in a row. */
export type CsvHeader = Map<CsvColumn, number>;

/** The header row: every column known, none twice, the required ones present. Throws when not. */
export function parseCsvHeader(fields: readonly string[]): CsvHeader {
  const header: CsvHeader = new Map();
  fields.forEach((raw, index) => {
    const name = raw.trim().replace(/^\ufeff/, '') as CsvColumn;
    if (!CSV_COLUMNS.includes(name))
      throw new Error(`unknown CSV column "${raw}" (columns: ${CSV_COLUMNS.join(',')})`);
    if (header.has(name)) throw new Error(`CSV column ${name} appears twice`);
    header.set(name, index);
  });
  const missing = REQUIRED.filter((column) => !header.has(column));
  if (missing.length > 0) throw new Error(`CSV header lacks the column(s) ${missing.join(', ')}`);
  return header;
}

/** Which file line each part of an order came from, to report a rejection at the right line. */
export interface LineMap {
  first: number;
  items: number[];
  refunds: number[];
}

export interface LineRejection {
  line: number;
  field: string | null;
  reason: string;
}

export type CsvOutput =
  { kind: 'order'; text: string; lines: LineMap } | { kind: 'rejected'; rejection: LineRejection };

/** A whole number stays a number; anything else is sent as it is, for the import to name what is wrong. */
function amount(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^-?\d{1,16}$/.test(value) ? Number(value) : value;
}

interface Group {
  sourceOrderId: string;
  order: Record<string, unknown>;
  /** The order's columns as its first row gave them. */
  columns: Map<CsvColumn, string | undefined>;
  items: Record<string, unknown>[];
  refunds: Record<string, unknown>[];
  lines: LineMap;
  /** The first problem with one of its rows: the whole order is then rejected there. */
  problem?: LineRejection;
}

/** Groups the rows of a CSV file into orders, in file order. */
export class CsvOrderGrouper {
  private current?: Group;

  constructor(private readonly header: CsvHeader) {}

  /** Takes the next row; returns what it completed (the previous order) or refused. */
  push(fields: readonly string[], line: number): CsvOutput[] {
    const out: CsvOutput[] = [];
    const cell = (column: CsvColumn): string | undefined => {
      const index = this.header.get(column);
      const value = index === undefined ? undefined : fields[index]?.trim();
      return value === '' ? undefined : value;
    };
    if (fields.length !== this.header.size) {
      const reason = `the row has ${fields.length} fields, the header ${this.header.size}`;
      return this.refuseRow(line, null, reason);
    }
    const sourceOrderId = cell('source_order_id');
    if (sourceOrderId === undefined) return this.refuseRow(line, 'source_order_id', 'is required');
    if (this.current?.sourceOrderId !== sourceOrderId) {
      out.push(...this.flush());
      this.current = this.start(sourceOrderId, cell, line);
    }
    const group = this.current!;
    for (const column of ORDER_COLUMNS) {
      const value = cell(column);
      if (value !== undefined && value !== group.columns.get(column)) {
        group.problem ??= {
          line,
          field: column,
          reason: `differs from the first row of order ${sourceOrderId}`,
        };
      }
    }
    const sku = cell('sku');
    const refundAmount = cell('refund_amount');
    if (sku !== undefined) {
      group.items.push({ sku, quantity: amount(cell('quantity')), price: amount(cell('price')) });
      group.lines.items.push(line);
    } else if (cell('quantity') !== undefined || cell('price') !== undefined) {
      group.problem ??= { line, field: 'sku', reason: 'is required on a row with a quantity or price' };
    }
    if (refundAmount !== undefined || cell('refund_at') !== undefined) {
      group.refunds.push({
        amount: amount(refundAmount),
        at: cell('refund_at'),
        reason: cell('refund_reason'),
      });
      group.lines.refunds.push(line);
    } else if (sku === undefined) {
      group.problem ??= {
        line,
        field: 'sku',
        reason: 'a row needs a sku (an item) or a refund_amount (a refund)',
      };
    }
    return out;
  }

  /** The last order of the file. */
  end(): CsvOutput[] {
    return this.flush();
  }

  private start(sourceOrderId: string, cell: (c: CsvColumn) => string | undefined, line: number): Group {
    const columns = new Map(ORDER_COLUMNS.map((column) => [column, cell(column)]));
    const order: Record<string, unknown> = {
      sourceOrderId,
      customerRef: columns.get('customer_ref'),
      placedAt: columns.get('placed_at'),
      paidAt: columns.get('paid_at'),
      channel: columns.get('channel'),
      currency: columns.get('currency'),
    };
    return {
      sourceOrderId,
      order,
      columns,
      items: [],
      refunds: [],
      lines: { first: line, items: [], refunds: [] },
    };
  }

  private flush(): CsvOutput[] {
    const group = this.current;
    this.current = undefined;
    if (!group) return [];
    if (group.problem) return [{ kind: 'rejected', rejection: group.problem }];
    const order = {
      ...group.order,
      items: group.items,
      ...(group.refunds.length ? { refunds: group.refunds } : {}),
    };
    return [{ kind: 'order', text: JSON.stringify(order), lines: group.lines }];
  }

  /** A row that belongs to no order (no id, wrong shape): refused alone, the order around it goes on. */
  private refuseRow(line: number, field: string | null, reason: string): CsvOutput[] {
    return [{ kind: 'rejected', rejection: { line, field, reason } }];
  }
}

const CSV_NAME_OF: Record<string, CsvColumn> = {
  sourceOrderId: 'source_order_id',
  customerRef: 'customer_ref',
  placedAt: 'placed_at',
  paidAt: 'paid_at',
  channel: 'channel',
  currency: 'currency',
  'items.sku': 'sku',
  'items.quantity': 'quantity',
  'items.price': 'price',
  'refunds.amount': 'refund_amount',
  'refunds.at': 'refund_at',
  'refunds.reason': 'refund_reason',
};

/**
 * A rejection the import answered for a CSV order, at the file line and in the CSV's column names:
 * `items.2.price` is the price column of the order's third item row.
 */
export function csvRejection(lines: LineMap, field: string | null, reason: string): LineRejection {
  const [head, index, leaf] = (field ?? '').split('.');
  const position = Number(index);
  let line = lines.first;
  if (head === 'items' && Number.isInteger(position)) line = lines.items[position] ?? line;
  // A rule about the refunds as a whole (an unpaid order's, too many) points at the first refund row.
  if (head === 'refunds') line = lines.refunds[Number.isInteger(position) ? position : 0] ?? line;
  const column = CSV_NAME_OF[leaf !== undefined ? `${head}.${leaf}` : head];
  return { line, field: column ?? field, reason };
}
