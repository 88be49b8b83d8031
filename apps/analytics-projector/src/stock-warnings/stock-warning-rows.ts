import type { SqlExecutor } from '@ecom/event-sourcing';
import type { ActiveWarning, StockWarningType, Warning, WarningChanges } from './domain/stock-warnings';

interface WarningRow {
  type: StockWarningType;
  warehouse: string | null;
  available: number;
  safety_stock: number;
  days_of_cover: string | null;
  suggested_reorder_qty: number | null;
  details: Record<string, unknown>;
  since: Date;
}

const toActiveWarning = (r: WarningRow): ActiveWarning => ({
  type: r.type,
  warehouse: r.warehouse,
  available: r.available,
  safetyStock: r.safety_stock,
  daysOfCover: r.days_of_cover === null ? null : Number(r.days_of_cover),
  suggestedReorderQty: r.suggested_reorder_qty,
  details: r.details,
  since: r.since,
  dismissed: r.details?.dismissedAt !== undefined,
});

/**
 * The active warnings read model (an_stock_warnings, which the analytics API serves): read before an
 * evaluation, written with its changes.
 */
export class StockWarningRows {
  /** One SKU's active warnings. */
  async of(tx: SqlExecutor, sku: string): Promise<ActiveWarning[]> {
    const rows: WarningRow[] = await tx.query(
      `SELECT type, warehouse, available, safety_stock, days_of_cover, suggested_reorder_qty, details, since
         FROM an_stock_warnings WHERE sku = $1 ORDER BY type, warehouse_key`,
      [sku],
    );
    return rows.map(toActiveWarning);
  }

  /** Every active warning, by SKU. */
  async all(tx: SqlExecutor): Promise<(ActiveWarning & { sku: string })[]> {
    const rows: (WarningRow & { sku: string })[] = await tx.query(
      `SELECT * FROM an_stock_warnings ORDER BY sku, type, warehouse_key`,
    );
    return rows.map((row) => ({ sku: row.sku, ...toActiveWarning(row) }));
  }

  /**
   * Inserts the raised warnings (since `at`), refreshes the figures of the kept ones (their `since`
   * and an operator's dismissal stay), deletes the cleared ones and records `at` as the SKU's evaluation instant.
   */
  async record(tx: SqlExecutor, sku: string, changes: WarningChanges, at: Date): Promise<void> {
    // Cleared first: a warning the catalog raised for a SKU never stocked may be raised again under
    // the same key by inventory's own rules (see StockWarningsService.evaluate).
    await this.delete(tx, sku, changes.cleared);
    for (const w of [...changes.raised, ...changes.kept]) {
      await tx.query(
        `INSERT INTO an_stock_warnings (type, sku, warehouse_key, warehouse, available, safety_stock, days_of_cover,
           suggested_reorder_qty, details, since)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (type, sku, warehouse_key) DO UPDATE SET available = excluded.available,
           safety_stock = excluded.safety_stock, days_of_cover = excluded.days_of_cover,
           suggested_reorder_qty = excluded.suggested_reorder_qty,
           details = excluded.details || jsonb_strip_nulls(jsonb_build_object(
             'dismissedAt', an_stock_warnings.details->'dismissedAt',
             'dismissedBy', an_stock_warnings.details->'dismissedBy'))`,
        [
          w.type,
          sku,
          w.warehouse ?? '*',
          w.warehouse,
          w.available,
          w.safetyStock,
          w.daysOfCover,
          w.suggestedReorderQty,
          JSON.stringify(w.details),
          at,
        ],
      );
    }
    await tx.query(`UPDATE an_stock_items SET evaluated_at = $2 WHERE sku = $1`, [sku, at]);
  }

  /**
   * The catalog's verdict on a SKU inventory never heard of: its warnings are dated `since` (when it was
   * listed, from the facts: kept ones too, so that any delivery order leaves the same row); an
   * operator's dismissal stays; the SKU's evaluation instant is inventory's and is not touched.
   */
  async recordNeverStocked(tx: SqlExecutor, sku: string, changes: WarningChanges, since: Date | null) {
    await this.delete(tx, sku, changes.cleared);
    for (const w of [...changes.raised, ...changes.kept]) {
      await tx.query(
        `INSERT INTO an_stock_warnings (type, sku, warehouse_key, warehouse, available, safety_stock, days_of_cover,
           suggested_reorder_qty, details, since)
         VALUES ($1, $2, '*', NULL, $3, $4, NULL, NULL, $5, $6)
         ON CONFLICT (type, sku, warehouse_key) DO UPDATE SET available = excluded.available,
           safety_stock = excluded.safety_stock, since = excluded.since,
           details = excluded.details || jsonb_strip_nulls(jsonb_build_object(
             'dismissedAt', an_stock_warnings.details->'dismissedAt',
             'dismissedBy', an_stock_warnings.details->'dismissedBy'))`,
        [w.type, sku, w.available, w.safetyStock, JSON.stringify(w.details), since],
      );
    }
  }

  private async delete(tx: SqlExecutor, sku: string, warnings: readonly Warning[]): Promise<void> {
    for (const w of warnings) {
      await tx.query(`DELETE FROM an_stock_warnings WHERE type = $1 AND sku = $2 AND warehouse_key = $3`, [
        w.type,
        sku,
        w.warehouse ?? '*',
      ]);
    }
  }
}
