import type { EnvelopeOf } from '@ecom/contracts';
import type { InlineProjection, SqlExecutor } from '@ecom/event-sourcing';
import type { DomainEventOf } from '@ecom/contracts';
import {
  IMPORTED_PAYMENT_METHOD,
  importedPaymentId,
  ORDER_EVENT_TYPES,
  OrderEvent,
} from '../domain/order.aggregate';

const STATUS_OF: Partial<Record<OrderEvent['type'], string>> = {
  OrderPlaced: 'PENDING',
  OrderConfirmed: 'CONFIRMED',
  OrderRejected: 'REJECTED',
  OrderPaid: 'PAID',
  OrderCancelled: 'CANCELLED',
  OrderShipped: 'SHIPPED',
  OrderDelivered: 'DELIVERED',
  OrderCompleted: 'COMPLETED',
};

const RETURN_STATUS_OF: Partial<Record<OrderEvent['type'], string>> = {
  ReturnApproved: 'APPROVED',
  ReturnRejected: 'REJECTED',
  ReturnReceived: 'RECEIVED',
  RefundIssued: 'REFUNDED',
};

/**
 * The PostgreSQL notification channel that carries the id of every order whose status changed; it is
 * sent in the transaction that changes the status, so listeners hear of a change only once it is
 * committed (and on every replica: see watch-order/order-watchers.ts).
 */
export const ORDER_STATUS_CHANNEL = 'order_status';

/**
 * Ends a statement that changes an order's status: the notification rides on the same round trip.
 * PostgreSQL sends one per order and transaction (it drops repeats), on commit only.
 */
const NOTIFY_STATUS = `RETURNING pg_notify('${ORDER_STATUS_CHANNEL}', order_id)`;

const entry = (status: string, at: string) => JSON.stringify([{ status, at }]);

type ImportedOrder = DomainEventOf<'OrderImported'>['data'];

/**
 * The status history of an imported order from its own dates: placed, paid (when it was), then its
 * final status at the last date the source gave for it (its last refund, else the payment, else the
 * placement): the source does not say when it completed or was cancelled.
 */
export function importedHistory(d: ImportedOrder): { status: string; at: string }[] {
  const dates = [d.placedAt, ...(d.paidAt ? [d.paidAt] : []), ...d.refunds.map((r) => r.refundedAt)];
  const closedAt = dates.reduce((latest, at) => (Date.parse(at) > Date.parse(latest) ? at : latest));
  return [
    { status: 'PENDING', at: d.placedAt },
    ...(d.paidAt ? [{ status: 'PAID', at: d.paidAt }] : []),
    { status: d.status, at: closedAt },
  ];
}

/**
 * The Order read model (orders_view, order_returns_view), written in the same transaction as the
 * append. Every value comes from the events and their envelopes (times are `occurredAt`), so a
 * rebuild from the event store comes out identical. Orders whose status changed are announced on
 * ORDER_STATUS_CHANNEL, once per order and transaction.
 */
type OrderEnvelope = EnvelopeOf<OrderEvent['type']>;

export class OrderSummaryProjection implements InlineProjection<OrderEnvelope> {
  readonly name = 'orders.order-summary';
  readonly handles = ORDER_EVENT_TYPES;

  async apply(sql: SqlExecutor, events: OrderEnvelope[]): Promise<void> {
    // Imported orders come by the thousand (one new stream each): a run of them is one insert.
    let imported: EnvelopeOf<'OrderImported'>[] = [];
    for (const event of events) {
      if (event.type === 'OrderImported') {
        imported.push(event);
        continue;
      }
      if (imported.length > 0) await this.insertImported(sql, imported);
      imported = [];
      await this.applyOne(sql, event);
    }
    if (imported.length > 0) await this.insertImported(sql, imported);
  }

  /**
   * Imported orders, in their final status with their original dates. No status notification: an
   * order that did not exist had no watcher, and it will not change status again.
   */
  private async insertImported(sql: SqlExecutor, events: EnvelopeOf<'OrderImported'>[]): Promise<void> {
    const column = <T>(value: (d: ImportedOrder, event: EnvelopeOf<'OrderImported'>) => T) =>
      events.map((event) => value(event.data, event));
    await sql.query(
      `INSERT INTO orders_view (order_id, member_id, visitor_id, channel, cart_id, status, lines, total, currency,
         shipping_region, payment, refunded, history, version, placed_at, updated_at, imported)
       SELECT order_id, member_id, member_id, channel, NULL, status, lines::jsonb, total, currency,
         NULL, payment::jsonb, refunded, history::jsonb, version, placed_at, updated_at, imported::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[],
         $8::text[], $9::bigint[], $10::text[], $11::int[], $12::timestamptz[], $13::timestamptz[], $14::text[])
         AS u(order_id, member_id, channel, status, lines, total, currency, payment, refunded, history, version,
           placed_at, updated_at, imported)
       ON CONFLICT (order_id) DO NOTHING`,
      [
        column((_, e) => e.aggregateId),
        column((d) => d.memberId),
        column((d) => d.channel),
        column((d) => d.status),
        column((d) => JSON.stringify(d.lines)),
        column((d) => d.total),
        column((d) => d.currency),
        column((d) =>
          d.paidAt
            ? JSON.stringify({
                paymentId: importedPaymentId(d.sourceOrderId),
                amount: d.total,
                method: IMPORTED_PAYMENT_METHOD,
                at: d.paidAt,
              })
            : null,
        ),
        column((d) => d.refunds.reduce((sum, r) => sum + r.amount, 0)),
        column((d) => JSON.stringify(importedHistory(d))),
        column((_, e) => e.sequence),
        column((d) => d.placedAt),
        column((d) => importedHistory(d).at(-1)!.at),
        column((d) =>
          JSON.stringify({
            sourceOrderId: d.sourceOrderId,
            customerRef: d.customerRef,
            refunds: d.refunds.map((r) => ({ amount: r.amount, at: r.refundedAt, reason: r.reason })),
          }),
        ),
      ],
    );
  }

  private async applyOne(sql: SqlExecutor, event: OrderEnvelope): Promise<void> {
    const at = event.occurredAt;
    const id = event.aggregateId;
    const version = event.sequence;
    if (event.type === 'OrderPlaced') {
      const d = event.data;
      await sql.query(
        `INSERT INTO orders_view (order_id, member_id, visitor_id, channel, cart_id, status, lines, total, currency,
           shipping_region, history, version, placed_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $8, $9, $10, $11, $12, $12)
         ON CONFLICT (order_id) DO NOTHING ${NOTIFY_STATUS}`,
        [
          id,
          d.memberId,
          d.visitorId,
          d.channel,
          d.cartId,
          JSON.stringify(d.lines),
          d.total,
          d.currency,
          d.shippingRegion,
          entry('PENDING', at),
          version,
          at,
        ],
      );
      return;
    }

    // Every other event moves the view's version on; a status change also extends the history.
    const status = STATUS_OF[event.type];
    const sets = ['version = $2', 'updated_at = $3'];
    const params: unknown[] = [id, version, at];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (status) {
      set('status', status);
      params.push(entry(status, at));
      sets.push(`history = history || $${params.length}::jsonb`);
    }
    switch (event.type) {
      case 'OrderConfirmed':
        set('reservation', JSON.stringify(event.data.lines));
        set('confirmed_at', at);
        break;
      case 'OrderPaid':
        set(
          'payment',
          JSON.stringify({
            paymentId: event.data.paymentId,
            amount: event.data.amount,
            method: event.data.method,
            at,
          }),
        );
        break;
      case 'OrderShipped':
        set(
          'shipment',
          JSON.stringify({ carrier: event.data.carrier, trackingNo: event.data.trackingNo, at }),
        );
        break;
      case 'OrderDelivered':
        set('delivered_at', at);
        break;
      case 'RefundIssued':
        params.push(event.data.amount);
        sets.push(`refunded = refunded + $${params.length}`);
        break;
    }
    await sql.query(
      `UPDATE orders_view SET ${sets.join(', ')} WHERE order_id = $1 ${status ? NOTIFY_STATUS : ''}`,
      params,
    );

    if (event.type === 'ReturnRequested') {
      const d = event.data;
      await sql.query(
        `INSERT INTO order_returns_view (return_id, order_id, member_id, status, reason, lines, amount, currency,
           history, requested_at, updated_at)
         VALUES ($1, $2, $3, 'REQUESTED', $4, $5, $6, $7, $8, $9, $9)
         ON CONFLICT (return_id) DO NOTHING`,
        [
          d.returnId,
          d.orderId,
          d.memberId,
          d.reason,
          JSON.stringify(d.lines),
          d.amount,
          d.currency,
          entry('REQUESTED', at),
          at,
        ],
      );
      return;
    }
    const returnStatus = RETURN_STATUS_OF[event.type];
    const returnId = 'returnId' in event.data ? event.data.returnId : null;
    if (returnStatus && returnId) {
      const refundId = event.type === 'RefundIssued' ? event.data.refundId : null;
      await sql.query(
        `UPDATE order_returns_view SET status = $2, history = history || $3::jsonb, updated_at = $4,
           refund_id = coalesce($5, refund_id)
         WHERE return_id = $1`,
        [returnId, returnStatus, entry(returnStatus, at), at, refundId],
      );
    }
  }

  async reset(sql: SqlExecutor): Promise<void> {
    await sql.query(`TRUNCATE orders_view, order_returns_view`);
  }
}
