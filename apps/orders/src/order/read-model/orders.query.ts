import { AuthenticatedMember, isBackOffice } from '@ecom/auth';
import { ForbiddenError, InvalidCommandError, NotFoundError } from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertOrderAccess } from '../order-access';

export interface StatusChange {
  status: string;
  at: string;
}

export interface ReturnView {
  id: string;
  orderId: string;
  memberId: string;
  status: string;
  reason: string;
  items: { sku: string; quantity: number }[];
  amount: number;
  currency: string;
  refundId: string | null;
  note: string | null;
  history: StatusChange[];
  createdAt: string;
  updatedAt: string;
}

/** Where an imported order came from (the order-history import); null for orders placed here. */
export interface ImportedOrderSource {
  sourceOrderId: string;
  customerRef: string;
  refunds: { amount: number; at: string; reason: string | null }[];
}

export interface OrderView {
  id: string;
  memberId: string;
  visitorId: string;
  channel: string | null;
  cartId: string | null;
  status: string;
  items: { sku: string; quantity: number; unitPrice: number; lineTotal: number }[];
  total: number;
  currency: string;
  shippingRegion: string | null;
  shippingAddress?: Record<string, unknown> | null;
  payment: { paymentId: string; amount: number; method: string; at: string } | null;
  shipment: { carrier: string; trackingNo: string; at: string } | null;
  refunded: number;
  history: StatusChange[];
  returns?: ReturnView[];
  imported: ImportedOrderSource | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

interface OrderRow {
  order_id: string;
  member_id: string;
  visitor_id: string;
  channel: string | null;
  cart_id: string | null;
  status: string;
  lines: OrderView['items'];
  total: string;
  currency: string;
  shipping_region: string | null;
  payment: OrderView['payment'];
  shipment: OrderView['shipment'];
  refunded: string;
  history: StatusChange[];
  imported: ImportedOrderSource | null;
  version: number;
  placed_at: Date;
  updated_at: Date;
  address?: Record<string, unknown> | null;
  /** The order's returns, as JSON (see ORDER_WITH_RETURNS). */
  returns?: ReturnRow[];
}

interface ReturnRow {
  return_id: string;
  order_id: string;
  member_id: string;
  status: string;
  reason: string;
  lines: { sku: string; quantity: number }[];
  amount: string;
  currency: string;
  refund_id: string | null;
  note: string | null;
  history: StatusChange[];
  /** A Date from a plain row; an ISO string from the JSON of ORDER_WITH_RETURNS. */
  requested_at: Date | string;
  updated_at: Date | string;
}

/**
 * An order with its shipping address and its returns in one query (GET /v1/orders/:id is the
 * hottest read of a sales peak: one round trip, not two).
 */
const ORDER_WITH_RETURNS = `
  SELECT o.*, a.address,
         COALESCE((SELECT json_agg(r ORDER BY r.return_id) FROM (
                     SELECT rv.*, n.note FROM order_returns_view rv LEFT JOIN return_notes n USING (return_id)
                     WHERE rv.order_id = o.order_id) r), '[]') AS returns
  FROM orders_view o LEFT JOIN order_shipping_addresses a USING (order_id)`;

function toOrderView(row: OrderRow): OrderView {
  return {
    id: row.order_id,
    memberId: row.member_id,
    visitorId: row.visitor_id,
    channel: row.channel,
    cartId: row.cart_id,
    status: row.status,
    items: row.lines,
    total: Number(row.total),
    currency: row.currency,
    shippingRegion: row.shipping_region,
    ...(row.address !== undefined ? { shippingAddress: row.address } : {}),
    payment: row.payment,
    shipment: row.shipment,
    refunded: Number(row.refunded),
    history: row.history,
    imported: row.imported ?? null,
    version: row.version,
    createdAt: row.placed_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toReturnView(row: ReturnRow): ReturnView {
  return {
    id: row.return_id,
    orderId: row.order_id,
    memberId: row.member_id,
    status: row.status,
    reason: row.reason,
    items: row.lines,
    amount: Number(row.amount),
    currency: row.currency,
    refundId: row.refund_id,
    note: row.note,
    history: row.history,
    createdAt: new Date(row.requested_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function withReturns(row: OrderRow): OrderView {
  const { returns = [], ...order } = row;
  return { ...toOrderView(order), returns: returns.map(toReturnView) };
}

export interface OrderListFilter {
  memberId?: string;
  status?: string;
  limit?: number;
  cursor?: string;
}

/**
 * Lists go newest first by the order's date, then id (imported orders have past dates and ids that are
 * not time-ordered); the cursor is the last order's (placed_at, order_id), opaque to clients.
 */
interface ListPosition {
  placedAt: string;
  orderId: string;
}
const encodeCursor = (position: ListPosition) =>
  Buffer.from(JSON.stringify([position.placedAt, position.orderId]), 'utf8').toString('base64url');
function decodeCursor(cursor: string): ListPosition {
  const invalid = () => new InvalidCommandError('cursor is not valid', 'BAD_CURSOR');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'string' ||
    typeof decoded[1] !== 'string' ||
    Number.isNaN(Date.parse(decoded[0]))
  )
    throw invalid();
  const position = { placedAt: decoded[0], orderId: decoded[1] };
  if (encodeCursor(position) !== cursor) throw invalid();
  return position;
}

/** Queries of the Order read model, with the per-object rules of docs/contract.md section 5. */
@Injectable()
export class OrdersQuery {
  constructor(private readonly dataSource: DataSource) {}

  async get(member: AuthenticatedMember, orderId: string): Promise<OrderView> {
    const rows: OrderRow[] = await this.dataSource.query(`${ORDER_WITH_RETURNS} WHERE o.order_id = $1`, [
      orderId,
    ]);
    if (rows.length === 0) throw new NotFoundError('order not found', 'ORDER_NOT_FOUND');
    assertOrderAccess(member, rows[0].member_id);
    return withReturns(rows[0]);
  }

  /**
   * Orders as GET /v1/orders/:id shows them, by id, WITHOUT the per-object check: for watchers,
   * which check access once, on their first read. Unknown ids are absent from the map.
   */
  async findMany(orderIds: readonly string[]): Promise<Map<string, OrderView>> {
    if (orderIds.length === 0) return new Map();
    const rows: OrderRow[] = await this.dataSource.query(
      `${ORDER_WITH_RETURNS} WHERE o.order_id = ANY($1::text[])`,
      [orderIds],
    );
    return new Map(rows.map((row) => [row.order_id, withReturns(row)]));
  }

  /** Own orders for a customer; any member's (optionally filtered) for operators. Newest first. */
  async list(
    member: AuthenticatedMember,
    filter: OrderListFilter,
  ): Promise<{ items: OrderView[]; nextCursor: string | null }> {
    let memberId = filter.memberId;
    if (!isBackOffice(member)) {
      if (memberId && memberId !== member.id) {
        throw new ForbiddenError('customers list their own orders only', 'FORBIDDEN_MEMBER_FILTER');
      }
      memberId = member.id;
    }
    const limit = filter.limit ?? 20;
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (memberId) add('member_id = ?', memberId);
    if (filter.status) add('status = ?', filter.status);
    if (filter.cursor) {
      const after = decodeCursor(filter.cursor);
      params.push(after.placedAt, after.orderId);
      where.push(`(placed_at, order_id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(limit + 1);
    const rows: OrderRow[] = await this.dataSource.query(
      `SELECT * FROM orders_view ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY placed_at DESC, order_id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit).map(toOrderView);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: rows.length > limit ? encodeCursor({ placedAt: last.createdAt, orderId: last.id }) : null,
    };
  }

  async returnsOf(orderId: string): Promise<ReturnView[]> {
    const rows: ReturnRow[] = await this.dataSource.query(
      `SELECT r.*, n.note FROM order_returns_view r LEFT JOIN return_notes n USING (return_id)
       WHERE r.order_id = $1 ORDER BY r.return_id`,
      [orderId],
    );
    return rows.map(toReturnView);
  }

  async getReturn(member: AuthenticatedMember, returnId: string): Promise<ReturnView> {
    const rows: ReturnRow[] = await this.dataSource.query(
      `SELECT r.*, n.note FROM order_returns_view r LEFT JOIN return_notes n USING (return_id) WHERE r.return_id = $1`,
      [returnId],
    );
    if (rows.length === 0) throw new NotFoundError('return not found', 'RETURN_NOT_FOUND');
    try {
      assertOrderAccess(member, rows[0].member_id);
    } catch {
      throw new NotFoundError('return not found', 'RETURN_NOT_FOUND');
    }
    return toReturnView(rows[0]);
  }

  /** The order a return belongs to (404 when the return does not exist). */
  async orderOfReturn(returnId: string): Promise<string> {
    const rows: { order_id: string }[] = await this.dataSource.query(
      `SELECT order_id FROM order_returns_view WHERE return_id = $1`,
      [returnId],
    );
    if (rows.length === 0) throw new NotFoundError('return not found', 'RETURN_NOT_FOUND');
    return rows[0].order_id;
  }
}
