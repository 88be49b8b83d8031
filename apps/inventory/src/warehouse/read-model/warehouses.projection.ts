import type { EnvelopeOf } from '@ecom/contracts';
import type { InlineProjection, SqlExecutor } from '@ecom/event-sourcing';

/** inv_warehouses: one row per warehouse, written in the WarehouseCreated append's transaction. */
export class WarehousesProjection implements InlineProjection<EnvelopeOf<'WarehouseCreated'>> {
  readonly name = 'inventory.warehouses';
  readonly handles = ['WarehouseCreated'] as const;

  async apply(sql: SqlExecutor, events: EnvelopeOf<'WarehouseCreated'>[]): Promise<void> {
    for (const event of events) {
      const { warehouseId, code, name, region } = event.data;
      await sql.query(
        `INSERT INTO inv_warehouses (code, warehouse_id, name, region, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code) DO NOTHING`,
        [code, warehouseId, name, region, event.occurredAt],
      );
    }
  }

  async reset(sql: SqlExecutor): Promise<void> {
    await sql.query(`DELETE FROM inv_warehouses`);
  }
}
