import type { StockWarningType } from '@ecom/contracts';
import type { SqlExecutor } from '@ecom/event-sourcing';

export interface StockWarningView {
  sku: string;
  warehouse: string | null;
  type: StockWarningType;
  available: number;
  safetyStock: number;
  daysOfCover: number | null;
  suggestedReorderQty: number | null;
  since: string;
  details: Record<string, unknown>;
}

/**
 * The active stock warnings (an_stock_warnings, written by the projector's stock-warnings evaluation),
 * without those an operator cleared (they stay silent while their condition lasts).
 */
export class StockWarningQueries {
  constructor(private readonly sql: SqlExecutor) {}

  async active(
    options: { type?: string; sku?: string; warehouse?: string } = {},
  ): Promise<StockWarningView[]> {
    const rows = await this.sql.query(
      `SELECT * FROM an_stock_warnings
        WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR sku = $2) AND ($3::text IS NULL OR warehouse = $3)
          AND NOT (details ? 'dismissedAt')
        ORDER BY type, sku, warehouse_key`,
      [options.type ?? null, options.sku ?? null, options.warehouse ?? null],
    );
    return rows.map((r: Record<string, unknown>) => ({
      sku: r.sku as string,
      warehouse: r.warehouse as string | null,
      type: r.type as StockWarningType,
      available: r.available as number,
      safetyStock: r.safety_stock as number,
      daysOfCover: r.days_of_cover === null ? null : Number(r.days_of_cover),
      suggestedReorderQty: r.suggested_reorder_qty as number | null,
      since: (r.since as Date).toISOString(),
      details: r.details as Record<string, unknown>,
    }));
  }
}
