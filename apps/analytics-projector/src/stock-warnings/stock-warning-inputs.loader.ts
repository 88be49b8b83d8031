import type { SqlExecutor } from '@ecom/event-sourcing';
import type { ListingInputs, StockWarningInputs, StockWarningParams } from './domain/stock-warnings';

const DAY_MS = 86_400_000;

/**
 * Reads what the evaluation of a SKU's warnings needs from the stock read models the projection keeps
 * (an_stock_items, an_stock_levels, an_stock_batches, an_stock_sales).
 */
export class StockWarningInputsLoader {
  constructor(private readonly params: Pick<StockWarningParams, 'salesWindowDays' | 'slowMovingDays'>) {}

  /** The SKU's stock, policy, per-warehouse levels, batches with units left and units sold up to `at`. */
  async load(tx: SqlExecutor, sku: string, at: Date): Promise<StockWarningInputs> {
    const [item] = await tx.query(
      `SELECT on_hand, available, safety_stock, lead_time_days FROM an_stock_items WHERE sku = $1`,
      [sku],
    );
    const levels: { warehouse: string; on_hand: number; available: number }[] = await tx.query(
      `SELECT warehouse, on_hand, available FROM an_stock_levels WHERE sku = $1 ORDER BY warehouse`,
      [sku],
    );
    const batches: { warehouse: string; batch: string; expires_at: Date | null; quantity: number }[] =
      await tx.query(
        `SELECT warehouse, batch, expires_at, quantity FROM an_stock_batches WHERE sku = $1 AND quantity > 0
        ORDER BY warehouse, batch`,
        [sku],
      );
    const salesFrom = new Date(at.getTime() - this.params.salesWindowDays * DAY_MS);
    const slowFrom = new Date(at.getTime() - this.params.slowMovingDays * DAY_MS);
    const [sold] = await tx.query(
      `SELECT coalesce(sum(units) FILTER (WHERE occurred_at > $2), 0)::int AS sales_window,
              coalesce(sum(units) FILTER (WHERE occurred_at > $3), 0)::int AS slow_window
         FROM an_stock_sales WHERE sku = $1 AND occurred_at <= $4 AND occurred_at > LEAST($2, $3)`,
      [sku, salesFrom, slowFrom, at],
    );
    return {
      sku,
      onHand: item.on_hand,
      available: item.available,
      safetyStock: item.safety_stock,
      leadTimeDays: item.lead_time_days,
      unitsSoldSalesWindow: sold.sales_window,
      unitsSoldSlowWindow: sold.slow_window,
      warehouses: levels.map((l) => ({ warehouse: l.warehouse, onHand: l.on_hand, available: l.available })),
      batches: batches.map((b) => ({
        warehouse: b.warehouse,
        batch: b.batch,
        expiresAt: b.expires_at,
        quantity: b.quantity,
      })),
    };
  }

  /**
   * Whether catalog lists the SKU (its product listed, the SKU not discontinued) and since when (the
   * later of the product's listing and the SKU's addition). Not listed when catalog never named it.
   */
  async listing(tx: SqlExecutor, sku: string): Promise<ListingInputs> {
    const [row] = await tx.query(
      `SELECT p.listed AND NOT s.discontinued AS listed, GREATEST(p.listed_at, s.added_at) AS since
         FROM an_skus s JOIN an_products p ON p.product_id = s.product_id WHERE s.sku = $1`,
      [sku],
    );
    return row?.listed ? { listed: true, listedSince: row.since } : { listed: false, listedSince: null };
  }

  /** Units available now in one warehouse, or over all warehouses (warehouse null); 0 when unknown. */
  async available(tx: SqlExecutor, sku: string, warehouse: string | null): Promise<number> {
    const [level] = warehouse
      ? await tx.query(`SELECT available FROM an_stock_levels WHERE sku = $1 AND warehouse = $2`, [
          sku,
          warehouse,
        ])
      : await tx.query(`SELECT available FROM an_stock_items WHERE sku = $1`, [sku]);
    return level?.available ?? 0;
  }

  /** The SKU's last evaluation instant (the database's clock for a SKU never evaluated). */
  async lastEvaluatedAt(tx: SqlExecutor, sku: string): Promise<Date> {
    const [{ now }] = await tx.query(
      `SELECT coalesce(max(evaluated_at), now()) AS now FROM an_stock_items WHERE sku = $1`,
      [sku],
    );
    return now;
  }
}
