/**
 * The order-history import's rules for one line, as pure functions: a line of the request body (JSON)
 * becomes either a normalised order or a rejection naming the field and the reason. Nothing here does
 * I/O; the caller passes the current time.
 */

/** Why a line was not imported. `field` is a dotted path (`items.2.price`), or null for the whole line. */
export interface ImportRejection {
  line: number;
  field: string | null;
  reason: string;
}

export interface ImportedItem {
  sku: string;
  quantity: number;
  /** Unit price in minor units. */
  price: number;
}

export interface ImportedRefundInput {
  amount: number;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  reason: string | null;
}

/** A valid line, normalised: times in ISO-8601 UTC with milliseconds, defaults filled in. */
export interface ImportedOrderInput {
  sourceOrderId: string;
  customerRef: string;
  placedAt: string;
  paidAt: string | null;
  channel: string | null;
  currency: string;
  items: ImportedItem[];
  refunds: ImportedRefundInput[];
}

export type ValidatedLine =
  { ok: true; line: number; order: ImportedOrderInput } | { ok: false; rejection: ImportRejection };

export const IMPORT_LIMITS = {
  maxIdLength: 64,
  maxItems: 200,
  maxRefunds: 50,
  maxReasonLength: 200,
  maxQuantity: 1_000_000,
  /** One hundred million in major units: far above any real unit price, far below unsafe integers. */
  maxPrice: 10_000_000_000,
  /** Longest line in bytes: 200 items with long SKUs fit many times over. */
  maxLineBytes: 64 * 1024,
} as const;

export const DEFAULT_CURRENCY = 'CNY';
const CHANNEL = /^[a-z0-9_-]{1,32}$/;
const CURRENCY = /^[A-Z]{3}$/;
/** RFC 3339 date-time with a time zone (seconds optional); the calendar is checked separately. */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;
const EARLIEST = Date.UTC(1970, 0, 1);
/** Control characters (NUL, line breaks, tabs, DEL, C1) and unpaired UTF-16 surrogates. */
const UNPRINTABLE = /\p{Cc}|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;
/** Something like name@domain.tld: an email, which must never become a customer reference. */
const EMAIL_LIKE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const MAX_REPORTED_FIELD = 80;

const ORDER_FIELDS = [
  'sourceOrderId',
  'customerRef',
  'placedAt',
  'paidAt',
  'channel',
  'currency',
  'items',
  'refunds',
] as const;
const ITEM_FIELDS = ['sku', 'quantity', 'price'] as const;
const REFUND_FIELDS = ['amount', 'at', 'reason'] as const;

/** A refusal of one field, thrown inside the validator and turned into the line's rejection. */
class Refusal {
  constructor(
    readonly field: string | null,
    readonly reason: string,
  ) {}
}

const refuse = (field: string | null, reason: string): never => {
  throw new Refusal(field, reason);
};

/** A field name as reported back: bounded in length, and never echoing characters that cannot be stored. */
function reportedField(path: string): string | null {
  if (UNPRINTABLE.test(path)) return null;
  return path.length > MAX_REPORTED_FIELD ? `${path.slice(0, MAX_REPORTED_FIELD)}...` : path;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKnownFields(value: Record<string, unknown>, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const field = reportedField(`${prefix}${key}`);
      refuse(
        field,
        field === null ? 'a field name holds a control character or an unpaired surrogate' : 'unknown field',
      );
    }
  }
}

/** An id or label: 1..max printable characters, no surrounding whitespace. */
function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') return refuse(field, 'must be a string');
  if (value.length === 0 || value.length > max) return refuse(field, `must be 1 to ${max} characters`);
  if (UNPRINTABLE.test(value))
    return refuse(field, 'must not contain control characters, NUL or unpaired surrogates');
  if (value.trim() !== value) return refuse(field, 'must not start or end with whitespace');
  return value;
}

function integer(value: unknown, field: string, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    return refuse(field, `must be an integer (${what})`);
  if (value < min || value > max) return refuse(field, `must be between ${min} and ${max} (${what})`);
  return value;
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** An RFC 3339 date-time with a zone, a real calendar date, from 1970 up to `now`; as ISO UTC with ms. */
export function parseTimestamp(value: unknown, field: string, now: number): string {
  if (typeof value !== 'string')
    return refuse(field, 'must be an ISO-8601 date-time string, e.g. 2024-03-01T10:15:00+08:00');
  const match = DATE_TIME.exec(value);
  if (!match)
    return refuse(field, 'must be an ISO-8601 date-time with a time zone, e.g. 2024-03-01T10:15:00+08:00');
  const [, y, mo, d, h, mi, s = '0', fraction = '0', zone, sign, zh, zm] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    (zone === 'Z' || (Number(zh) <= 23 && Number(zm) <= 59));
  if (!valid) return refuse(field, 'is not a real date and time');
  const offsetMinutes = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const at = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  if (at < EARLIEST) return refuse(field, 'must not be before 1970');
  if (at > now) return refuse(field, 'must not be in the future');
  return new Date(at).toISOString();
}

function items(value: unknown): ImportedItem[] {
  if (!Array.isArray(value)) return refuse('items', 'must be an array of {sku, quantity, price}');
  if (value.length < 1 || value.length > IMPORT_LIMITS.maxItems)
    return refuse('items', `must hold 1 to ${IMPORT_LIMITS.maxItems} items`);
  const seen = new Set<string>();
  return value.map((item: unknown, index) => {
    const at = `items.${index}`;
    if (!isObject(item)) return refuse(at, 'must be an object {sku, quantity, price}');
    onlyKnownFields(item, ITEM_FIELDS, `${at}.`);
    const sku = text(item.sku, `${at}.sku`, IMPORT_LIMITS.maxIdLength);
    if (seen.has(sku))
      refuse(`${at}.sku`, `SKU ${sku} appears twice in the order: put its units on one line`);
    seen.add(sku);
    return {
      sku,
      quantity: integer(item.quantity, `${at}.quantity`, 1, IMPORT_LIMITS.maxQuantity, 'units'),
      price: integer(item.price, `${at}.price`, 0, IMPORT_LIMITS.maxPrice, 'unit price in minor units'),
    };
  });
}

function refunds(value: unknown, now: number): ImportedRefundInput[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return refuse('refunds', 'must be an array of {amount, at, reason?}');
  if (value.length > IMPORT_LIMITS.maxRefunds)
    return refuse('refunds', `must hold at most ${IMPORT_LIMITS.maxRefunds} refunds`);
  return value.map((refund: unknown, index) => {
    const at = `refunds.${index}`;
    if (!isObject(refund)) return refuse(at, 'must be an object {amount, at, reason?}');
    onlyKnownFields(refund, REFUND_FIELDS, `${at}.`);
    return {
      amount: integer(refund.amount, `${at}.amount`, 1, Number.MAX_SAFE_INTEGER, 'minor units'),
      at: parseTimestamp(refund.at, `${at}.at`, now),
      reason:
        refund.reason === undefined || refund.reason === null
          ? null
          : text(refund.reason, `${at}.reason`, IMPORT_LIMITS.maxReasonLength),
    };
  });
}

/** The rules of one parsed line; throws a Refusal at the first problem. */
function order(value: unknown, now: number): ImportedOrderInput {
  if (!isObject(value)) return refuse(null, 'a line must be a JSON object');
  onlyKnownFields(value, ORDER_FIELDS, '');
  for (const required of ['sourceOrderId', 'customerRef', 'placedAt', 'items'] as const) {
    if (value[required] === undefined) refuse(required, 'is required');
  }
  const sourceOrderId = text(value.sourceOrderId, 'sourceOrderId', IMPORT_LIMITS.maxIdLength);
  const customerRef = text(value.customerRef, 'customerRef', IMPORT_LIMITS.maxIdLength);
  if (EMAIL_LIKE.test(customerRef))
    refuse('customerRef', "must be the source platform's customer id, not an email address");
  const placedAt = parseTimestamp(value.placedAt, 'placedAt', now);
  const paidAt =
    value.paidAt === undefined || value.paidAt === null ? null : parseTimestamp(value.paidAt, 'paidAt', now);
  if (paidAt !== null && paidAt < placedAt) refuse('paidAt', 'must not be before placedAt');
  let channel: string | null = null;
  if (value.channel !== undefined && value.channel !== null) {
    if (typeof value.channel !== 'string' || !CHANNEL.test(value.channel))
      refuse('channel', 'must be 1 to 32 characters of a-z, 0-9, _ and -');
    channel = value.channel as string;
  }
  let currency = DEFAULT_CURRENCY;
  if (value.currency !== undefined && value.currency !== null) {
    if (typeof value.currency !== 'string' || !CURRENCY.test(value.currency))
      refuse('currency', 'must be an ISO 4217 code of three capital letters, e.g. CNY');
    currency = value.currency as string;
  }
  const lines = items(value.items);
  const total = lines.reduce((sum, item) => sum + item.price * item.quantity, 0);
  if (!Number.isSafeInteger(total)) refuse('items', 'the order total is too large');
  const refunded = refunds(value.refunds, now);
  if (refunded.length > 0 && paidAt === null)
    refuse('refunds', 'only a paid order (with paidAt) can have refunds');
  refunded.forEach((refund, index) => {
    if (paidAt !== null && refund.at < paidAt) refuse(`refunds.${index}.at`, 'must not be before paidAt');
  });
  const refundedTotal = refunded.reduce((sum, refund) => sum + refund.amount, 0);
  if (refundedTotal > total)
    refuse('refunds', `add up to ${refundedTotal}, more than the order total ${total}`);
  return { sourceOrderId, customerRef, placedAt, paidAt, channel, currency, items: lines, refunds: refunded };
}

/** Validates one parsed value (a line's JSON) as an order to import. */
export function validateImportRecord(value: unknown, line: number, now: Date): ValidatedLine {
  try {
    return { ok: true, line, order: order(value, now.getTime()) };
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return { ok: false, rejection: { line, field: error.field, reason: error.reason } };
  }
}

/** Validates the text of one line: JSON first, then the order's rules. */
export function validateImportLine(text: string, line: number, now: Date): ValidatedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message may quote the line: keep it short.
    const detail = (error as Error).message.slice(0, 120);
    return { ok: false, rejection: { line, field: null, reason: `not valid JSON: ${detail}` } };
  }
  return validateImportRecord(value, line, now);
}
