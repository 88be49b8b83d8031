import type { SqlExecutor } from '@ecom/event-sourcing';
import { ratio } from '../funnel/funnel.domain';
import type { AnalyticsSettings } from '../settings';
import { classifyMatrix, MatrixThresholds, Quadrant } from './matrix.domain';

export interface MatrixItemView {
  sku: string;
  productId: string | null;
  title: string | null;
  unitsSold: number;
  revenue: number;
  unitCost: number | null;
  grossMargin: number | null;
  /** grossMargin / revenue; null without revenue or cost. */
  marginRate: number | null;
  quadrant: Quadrant | null;
}

export interface MatrixView {
  from: string;
  to: string;
  currency: string;
  thresholds: MatrixThresholds;
  items: MatrixItemView[];
}

/**
 * The product matrix over the order, refund, return and catalog facts, derived at read time, which is
 * what makes it independent of the order events arrived in; the API caches the answers for a few seconds.
 */
export class MatrixQueries {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly settings: Pick<AnalyticsSettings, 'currency'>,
  ) {}

  /**
   * Net units sold and gross margin per SKU over orders paid in the period (in `currency`): units and
   * revenue of the paid order lines, minus orders refunded on cancellation, minus the lines of returns
   * that were refunded; cost = net units x the SKU's current unit cost in the catalog.
   */
  async productMatrix(options: { from: string; to: string; currency?: string }): Promise<MatrixView> {
    const currency = options.currency ?? this.settings.currency;
    const rows: Record<string, unknown>[] = await this.sql.query(
      `WITH paid AS (
         SELECT p.order_id FROM an_orders_paid p
          WHERE p.day BETWEEN $1::date AND $2::date AND p.currency = $3
            AND NOT EXISTS (SELECT 1 FROM an_refunds r WHERE r.order_id = p.order_id AND r.cause = 'CANCELLATION')
       ), sold AS (
         SELECT l.sku, sum(l.quantity)::bigint AS units, sum(l.line_total)::bigint AS revenue
           FROM an_order_lines l JOIN paid USING (order_id) GROUP BY l.sku
       ), refunded_returns AS (
         SELECT DISTINCT r.order_id, r.return_id FROM an_refunds r JOIN paid USING (order_id)
          WHERE r.cause = 'RETURN' AND r.return_id IS NOT NULL
       ), returned AS (
         SELECT rl.sku, sum(rl.quantity)::bigint AS units, sum(rl.quantity * price.unit_price)::bigint AS revenue
           FROM refunded_returns rr
           JOIN an_return_lines rl ON rl.return_id = rr.return_id
           JOIN LATERAL (SELECT ol.unit_price FROM an_order_lines ol
                          WHERE ol.order_id = rr.order_id AND ol.sku = rl.sku ORDER BY ol.line_no LIMIT 1) price ON true
          GROUP BY rl.sku
       ), skus AS (
         SELECT sku FROM an_skus WHERE NOT discontinued UNION SELECT sku FROM sold
       )
       SELECT k.sku, s.product_id, p.title, s.cost,
              (coalesce(sold.units, 0) - coalesce(returned.units, 0))::bigint AS units,
              (coalesce(sold.revenue, 0) - coalesce(returned.revenue, 0))::bigint AS revenue
         FROM skus k
         LEFT JOIN an_skus s ON s.sku = k.sku
         LEFT JOIN an_products p ON p.product_id = s.product_id
         LEFT JOIN sold ON sold.sku = k.sku
         LEFT JOIN returned ON returned.sku = k.sku
        ORDER BY k.sku`,
      [options.from, options.to, currency],
    );
    const items = rows.map((r) => {
      const units = Number(r.units);
      const revenue = Number(r.revenue);
      const unitCost = r.cost === null || r.cost === undefined ? null : Number(r.cost);
      const grossMargin = unitCost === null ? null : revenue - units * unitCost;
      return {
        sku: r.sku as string,
        productId: (r.product_id as string | null) ?? null,
        title: (r.title as string | null) ?? null,
        unitsSold: units,
        revenue,
        unitCost,
        grossMargin,
        marginRate: grossMargin === null ? null : ratio(grossMargin, revenue),
      };
    });
    const classified = classifyMatrix(items);
    return {
      from: options.from,
      to: options.to,
      currency,
      thresholds: classified.thresholds,
      items: classified.items,
    };
  }
}
