import type { DomainEventOf } from '@ecom/contracts';
import type { InlineProjection, RecordedEvent, SqlExecutor } from '@ecom/event-sourcing';

/** inv_warehouses: one row per warehouse, written in the WarehouseCreated append's transaction. */
export class WarehousesProjection implements InlineProjection {
  readonly name = 'inventory.warehouses';
  readonly handles = ['WarehouseCreated'];

  async apply(sql: SqlExecutor, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const { warehouseId, code, name, region } = event.data as DomainEventOf<'WarehouseCreated'>['data'];
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
