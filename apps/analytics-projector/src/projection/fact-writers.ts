import { dayOf, FUNNEL_STEP_SET } from '@ecom/analytics-read-models';
import type { EnvelopeOf, EventEnvelope } from '@ecom/contracts';
import { SqlExecutor, valuePlaceholders } from '@ecom/event-sourcing';
import { IMPORTED_REFUND_CAUSE, importedOrderFacts } from './imported-order-facts';

/**
 * Fact writers of the non-stock read models. Every write is keyed by the id of the event or of the
 * business object, and is either an insert-or-ignore or a per-field "newest stream sequence wins"
 * upsert, so applying the same facts in any order across topics leaves the same rows. Nothing here
 * reads another fact first: no write depends on what arrived before it.
 */

/** Funnel and UV step recorded for each behaviour-bearing event. */
export const VISITOR_STEPS = {
  PageViewed: 'page_view',
  ProductViewed: 'product_view',
  Searched: 'search',
  CartCreated: 'cart_created',
  CartItemAdded: 'add_to_cart',
  CartItemRemoved: 'cart_item_removed',
  OrderPlaced: 'order_placed',
  OrderPaid: 'order_paid',
} as const;

export class FactWriters {
  constructor(private readonly timeZone: string) {}

  private day(at: string | Date): string {
    return dayOf(at, this.timeZone);
  }

  /** The time a behaviour event happened: the storefront's time when it sent one, else the envelope's. */
  static behaviourTime(event: EnvelopeOf<'PageViewed' | 'ProductViewed' | 'Searched'>): string {
    return event.data.occurredAt ?? event.occurredAt;
  }

  /**
   * A behaviour fact; when it can move the funnel (a funnel step, or a channel for the first touch)
   * it is also marked pending for the funnel's pre-aggregation, in the same statement and batch
   * transaction (folded after the commit: see foldFunnel). Returns whether it was marked.
   */
  async visitorEvent(
    tx: SqlExecutor,
    event: EventEnvelope,
    step: string,
    fields: { visitorId: string; memberId: string | null; channel: string | null; sku?: string | null },
    at: string,
  ): Promise<boolean> {
    const insert = `INSERT INTO an_visitor_events (event_id, day, visitor_id, member_id, step, occurred_at, channel, sku)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING`;
    const movesFunnel = FUNNEL_STEP_SET.has(step) || fields.channel !== null;
    await tx.query(
      movesFunnel
        ? `WITH added AS (${insert} RETURNING event_id, day, visitor_id)
           INSERT INTO an_funnel_pending (event_id, day, visitor_id) SELECT event_id, day, visitor_id FROM added`
        : insert,
      [
        event.id,
        this.day(at),
        fields.visitorId,
        fields.memberId,
        step,
        at,
        fields.channel,
        fields.sku ?? null,
      ],
    );
    return movesFunnel;
  }

  async orderPlaced(tx: SqlExecutor, event: EnvelopeOf<'OrderPlaced'>): Promise<void> {
    const d = event.data;
    const inserted: unknown[] = await tx.query(
      `INSERT INTO an_orders_placed (order_id, event_id, member_id, visitor_id, channel, placed_at, day, total, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [
        d.orderId,
        event.id,
        d.memberId,
        d.visitorId,
        d.channel,
        event.occurredAt,
        this.day(event.occurredAt),
        d.total,
        d.currency,
      ],
    );
    if (inserted.length > 0 && d.lines.length > 0) {
      await tx.query(
        `INSERT INTO an_order_lines (order_id, line_no, sku, quantity, unit_price, line_total)
         VALUES ${valuePlaceholders(d.lines.length, 6)} ON CONFLICT DO NOTHING`,
        d.lines.flatMap((l, i) => [d.orderId, i + 1, l.sku, l.quantity, l.unitPrice, l.lineTotal]),
      );
    }
  }

  async orderPaid(tx: SqlExecutor, event: EnvelopeOf<'OrderPaid'>): Promise<void> {
    const d = event.data;
    await tx.query(
      `INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency,
         method, payment_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (order_id) DO NOTHING`,
      [
        d.orderId,
        event.id,
        d.memberId,
        d.visitorId,
        d.channel,
        event.occurredAt,
        this.day(event.occurredAt),
        d.amount,
        d.currency,
        d.method,
        d.paymentId,
      ],
    );
  }

  async refundIssued(tx: SqlExecutor, event: EnvelopeOf<'RefundIssued'>): Promise<void> {
    const d = event.data;
    await tx.query(
      `INSERT INTO an_refunds (refund_id, event_id, order_id, member_id, return_id, amount, currency, cause, issued_at, day)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (refund_id) DO NOTHING`,
      [
        d.refundId,
        event.id,
        d.orderId,
        d.memberId,
        d.returnId,
        d.amount,
        d.currency,
        d.cause,
        event.occurredAt,
        this.day(event.occurredAt),
      ],
    );
  }

  /**
   * An order from an imported order history, into the same order facts as a live one (see
   * importedOrderFacts for its days): no visitor, no payment method or id; its refunds carry
   * amounts only (cause IMPORTED, no return lines), so the product matrix counts its paid units in full.
   */
  async orderImported(tx: SqlExecutor, event: EnvelopeOf<'OrderImported'>): Promise<void> {
    const { placed, lines, paid, refunds } = importedOrderFacts(event, this.timeZone);
    const inserted: unknown[] = await tx.query(
      `INSERT INTO an_orders_placed (order_id, event_id, member_id, visitor_id, channel, placed_at, day, total, currency)
       VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8) ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [
        placed.orderId,
        event.id,
        placed.memberId,
        placed.channel,
        placed.placedAt,
        placed.day,
        placed.total,
        placed.currency,
      ],
    );
    if (inserted.length > 0) {
      await tx.query(
        `INSERT INTO an_order_lines (order_id, line_no, sku, quantity, unit_price, line_total)
         VALUES ${valuePlaceholders(lines.length, 6)} ON CONFLICT DO NOTHING`,
        lines.flatMap((l, i) => [placed.orderId, i + 1, l.sku, l.quantity, l.unitPrice, l.lineTotal]),
      );
    }
    if (paid) {
      await tx.query(
        `INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency,
           method, payment_id)
         VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, NULL, NULL) ON CONFLICT (order_id) DO NOTHING`,
        [
          placed.orderId,
          event.id,
          placed.memberId,
          placed.channel,
          paid.paidAt,
          paid.day,
          paid.amount,
          placed.currency,
        ],
      );
    }
    if (refunds.length > 0) {
      await tx.query(
        `INSERT INTO an_refunds (refund_id, event_id, order_id, member_id, return_id, amount, currency, cause, issued_at, day)
         VALUES ${valuePlaceholders(refunds.length, 10)} ON CONFLICT (refund_id) DO NOTHING`,
        refunds.flatMap((r) => [
          r.refundId,
          event.id,
          placed.orderId,
          placed.memberId,
          null,
          r.amount,
          placed.currency,
          IMPORTED_REFUND_CAUSE,
          r.issuedAt,
          r.day,
        ]),
      );
    }
  }

  async returnRequested(tx: SqlExecutor, event: EnvelopeOf<'ReturnRequested'>): Promise<void> {
    const d = event.data;
    const rows: unknown[] = await tx.query(
      `INSERT INTO an_returns (return_id, order_id, member_id, reason, amount, currency, requested_at, day)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (return_id) DO UPDATE SET reason = excluded.reason, amount = excluded.amount,
         currency = excluded.currency, requested_at = excluded.requested_at, day = excluded.day
       WHERE an_returns.requested_at IS NULL
       RETURNING return_id`,
      [
        d.returnId,
        d.orderId,
        d.memberId,
        d.reason,
        d.amount,
        d.currency,
        event.occurredAt,
        this.day(event.occurredAt),
      ],
    );
    if (rows.length > 0) {
      await tx.query(
        `INSERT INTO an_return_lines (return_id, line_no, sku, quantity) VALUES ${valuePlaceholders(d.lines.length, 4)}
         ON CONFLICT DO NOTHING`,
        d.lines.flatMap((l, i) => [d.returnId, i + 1, l.sku, l.quantity]),
      );
    }
  }

  async returnRejected(tx: SqlExecutor, event: EnvelopeOf<'ReturnRejected'>): Promise<void> {
    const d = event.data;
    await tx.query(
      `INSERT INTO an_returns (return_id, order_id, member_id, rejected_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (return_id) DO UPDATE SET rejected_at = excluded.rejected_at WHERE an_returns.rejected_at IS NULL`,
      [d.returnId, d.orderId, d.memberId, event.occurredAt],
    );
  }

  // ------------------------------------------------------------------ catalog

  /**
   * Price and cost of a SKU; each field keeps the value of the newest event of the product's stream.
   * `addedAt` (SkuAdded) is when the SKU was added, for the OUT_OF_STOCK of a listed SKU never stocked.
   */
  async sku(
    tx: SqlExecutor,
    event: EventEnvelope,
    fields: {
      sku: string;
      productId: string;
      price?: number;
      cost?: number | null;
      currency?: string;
      addedAt?: string;
    },
  ): Promise<void> {
    const setsPrice = fields.price !== undefined;
    const setsCost = fields.cost !== undefined;
    await tx.query(
      `INSERT INTO an_skus (sku, product_id, price, price_seq, cost, cost_seq, currency, added_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (sku) DO UPDATE SET
         added_at = coalesce(an_skus.added_at, excluded.added_at),
         product_id = excluded.product_id,
         price = CASE WHEN excluded.price_seq > an_skus.price_seq THEN excluded.price ELSE an_skus.price END,
         price_seq = GREATEST(an_skus.price_seq, excluded.price_seq),
         cost = CASE WHEN excluded.cost_seq > an_skus.cost_seq THEN excluded.cost ELSE an_skus.cost END,
         cost_seq = GREATEST(an_skus.cost_seq, excluded.cost_seq),
         currency = coalesce(excluded.currency, an_skus.currency)`,
      [
        fields.sku,
        fields.productId,
        setsPrice ? fields.price : null,
        setsPrice ? event.sequence : 0,
        setsCost ? fields.cost : null,
        setsCost ? event.sequence : 0,
        fields.currency ?? null,
        fields.addedAt ?? null,
      ],
    );
  }

  /**
   * Whether catalog lists a product (ProductPublished / ProductUnpublished) and since when: the newest
   * event of the product's stream wins, so any delivery order leaves the same row.
   */
  async productListing(tx: SqlExecutor, event: EventEnvelope, productId: string, listed: boolean) {
    await tx.query(
      `INSERT INTO an_products (product_id, listed, listed_seq, listed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (product_id) DO UPDATE SET
         listed = CASE WHEN excluded.listed_seq > an_products.listed_seq THEN excluded.listed ELSE an_products.listed END,
         listed_at = CASE WHEN excluded.listed_seq > an_products.listed_seq
                          THEN excluded.listed_at ELSE an_products.listed_at END,
         listed_seq = GREATEST(an_products.listed_seq, excluded.listed_seq)`,
      [productId, listed, event.sequence, listed ? event.occurredAt : null],
    );
  }

  async skuDiscontinued(tx: SqlExecutor, data: EnvelopeOf<'SkuDiscontinued'>['data']): Promise<void> {
    await tx.query(
      `INSERT INTO an_skus (sku, product_id, discontinued) VALUES ($1, $2, true)
       ON CONFLICT (sku) DO UPDATE SET discontinued = true`,
      [data.sku, data.productId],
    );
  }

  /** Title and category of a product; each keeps the value of the newest event of the stream that set it. */
  async productDetails(
    tx: SqlExecutor,
    event: EventEnvelope,
    productId: string,
    title?: string,
    categoryId?: string,
  ) {
    await tx.query(
      `INSERT INTO an_products (product_id, title, title_seq, category_id, category_seq) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (product_id) DO UPDATE SET
         title = CASE WHEN excluded.title_seq > an_products.title_seq THEN excluded.title ELSE an_products.title END,
         title_seq = GREATEST(an_products.title_seq, excluded.title_seq),
         category_id = CASE WHEN excluded.category_seq > an_products.category_seq
                            THEN excluded.category_id ELSE an_products.category_id END,
         category_seq = GREATEST(an_products.category_seq, excluded.category_seq)`,
      [
        productId,
        title ?? null,
        title === undefined ? 0 : event.sequence,
        categoryId ?? null,
        categoryId === undefined ? 0 : event.sequence,
      ],
    );
  }

  // ------------------------------------------------------------------ members

  async member(
    tx: SqlExecutor,
    event: EventEnvelope,
    memberId: string,
    tier: string,
    registeredAt: string | null,
  ) {
    await tx.query(
      `INSERT INTO an_members (member_id, registered_at, tier, tier_seq) VALUES ($1, $2, $3, $4)
       ON CONFLICT (member_id) DO UPDATE SET
         registered_at = coalesce(an_members.registered_at, excluded.registered_at),
         tier = CASE WHEN excluded.tier_seq > an_members.tier_seq THEN excluded.tier ELSE an_members.tier END,
         tier_seq = GREATEST(an_members.tier_seq, excluded.tier_seq)`,
      [memberId, registeredAt, tier, event.sequence],
    );
  }
}
