import type { DataSource, EntityManager } from 'typeorm';
import { copurchaseMeasures } from './copurchase.domain';

/** A SKU's partner: the figures of the pair read from the SKU asked for (A) to the partner (B). */
export interface CopurchasePartnerView {
  sku: string;
  /** Counted orders with both SKUs (the support count). */
  orders: number;
  /** Counted orders with the partner. */
  partnerOrders: number;
  support: number;
  /** confidence(A -> partner): share of the orders with A that also have the partner. */
  confidence: number;
  lift: number;
}

export interface CopurchaseSkuView {
  sku: string;
  /** Counted orders with the SKU. */
  orders: number;
  countedOrders: number;
  minSupportOrders: number;
  /** Highest lift first, then more orders together, then by SKU. */
  partners: CopurchasePartnerView[];
}

export interface CopurchasePairView {
  skuA: string;
  skuB: string;
  orders: number;
  ordersA: number;
  ordersB: number;
  support: number;
  /** confidence(skuA -> skuB). */
  confidenceAB: number;
  /** confidence(skuB -> skuA). */
  confidenceBA: number;
  lift: number;
}

export interface CopurchasePairsView {
  countedOrders: number;
  minSupportOrders: number;
  /** Highest lift first, then more orders together, then by skuA and skuB. */
  pairs: CopurchasePairView[];
}

export interface CopurchaseQueryOptions {
  limit: number;
  /** Only pairs bought together in at least this many counted orders (COPURCHASE_MIN_SUPPORT_ORDERS). */
  minSupportOrders: number;
}

/**
 * The co-purchase answers from the count tables. Each answer reads in one REPEATABLE READ snapshot,
 * so a batch committing meanwhile never pairs a new pair count with an old SKU or total count. The
 * ranking happens in SQL on the exact ratio of the counts (numeric, not float): lift of A's partners
 * compares orders together / partner orders (the total and A's count are common), lift of pairs
 * orders together / (orders with A x orders with B).
 */
export class CopurchaseQueries {
  constructor(private readonly dataSource: DataSource) {}

  private snapshot<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', work);
  }

  private static async total(em: EntityManager): Promise<number> {
    const [row] = await em.query(`SELECT coalesce(sum(orders), 0)::int AS orders FROM an_copurchase_totals`);
    return row.orders;
  }

  /** The SKU's best partners by lift, among pairs with at least the minimum support count. */
  partners(sku: string, options: CopurchaseQueryOptions): Promise<CopurchaseSkuView> {
    return this.snapshot(async (em) => {
      const total = await CopurchaseQueries.total(em);
      const [own] = await em.query(`SELECT orders FROM an_copurchase_skus WHERE sku = $1`, [sku]);
      const orders: number = own?.orders ?? 0;
      const rows: { partner: string; orders: number; partner_orders: number }[] =
        orders === 0
          ? []
          : await em.query(
              `WITH p AS (
                 SELECT sku_b AS partner, orders FROM an_copurchase_pairs WHERE sku_a = $1 AND orders >= $2
                 UNION ALL
                 SELECT sku_a, orders FROM an_copurchase_pairs WHERE sku_b = $1 AND orders >= $2)
               SELECT p.partner, p.orders, k.orders AS partner_orders
                 FROM p JOIN an_copurchase_skus k ON k.sku = p.partner
                ORDER BY p.orders::numeric / k.orders DESC, p.orders DESC, p.partner
                LIMIT $3`,
              [sku, options.minSupportOrders, options.limit],
            );
      return {
        sku,
        orders,
        countedOrders: total,
        minSupportOrders: options.minSupportOrders,
        partners: rows.map((r) => {
          const m = copurchaseMeasures(r.orders, orders, r.partner_orders, total);
          return { sku: r.partner, partnerOrders: r.partner_orders, ...m };
        }),
      };
    });
  }

  /** The pairs with the highest lift overall, among pairs with at least the minimum support count. */
  pairs(options: CopurchaseQueryOptions): Promise<CopurchasePairsView> {
    return this.snapshot(async (em) => {
      const total = await CopurchaseQueries.total(em);
      const rows: { sku_a: string; sku_b: string; orders: number; orders_a: number; orders_b: number }[] =
        await em.query(
          `SELECT p.sku_a, p.sku_b, p.orders, a.orders AS orders_a, b.orders AS orders_b
             FROM an_copurchase_pairs p
             JOIN an_copurchase_skus a ON a.sku = p.sku_a
             JOIN an_copurchase_skus b ON b.sku = p.sku_b
            WHERE p.orders >= $1
            ORDER BY p.orders::numeric / (a.orders::numeric * b.orders) DESC, p.orders DESC, p.sku_a, p.sku_b
            LIMIT $2`,
          [options.minSupportOrders, options.limit],
        );
      return {
        countedOrders: total,
        minSupportOrders: options.minSupportOrders,
        pairs: rows.map((r) => {
          const ab = copurchaseMeasures(r.orders, r.orders_a, r.orders_b, total);
          const ba = copurchaseMeasures(r.orders, r.orders_b, r.orders_a, total);
          return {
            skuA: r.sku_a,
            skuB: r.sku_b,
            orders: r.orders,
            ordersA: r.orders_a,
            ordersB: r.orders_b,
            support: ab.support,
            confidenceAB: ab.confidence,
            confidenceBA: ba.confidence,
            lift: ab.lift,
          };
        }),
      };
    });
  }
}
