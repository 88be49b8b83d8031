import type { EnvelopeOf } from '@ecom/contracts';
import type { InlineProjection, SqlExecutor } from '@ecom/event-sourcing';
import { STOCK_ITEM_EVENT_TYPES, StockItemEvent } from '../domain/stock-item.aggregate';

/**
 * The stock-levels read model, written in the append's transaction from the post-change `levels` and
 * `totals` every StockItem event carries: inv_stock_items (totals, policy, stream version) and
 * inv_stock_levels (per warehouse). A batch of events becomes one statement that upserts the totals
 * and the levels (one multi-row upsert per table), and one for policy changes.
 */
type StockItemEnvelope = EnvelopeOf<StockItemEvent['type']>;

export class StockLevelsProjection implements InlineProjection<StockItemEnvelope> {
  readonly name = 'inventory.stock-levels';
  readonly handles = STOCK_ITEM_EVENT_TYPES;

  async apply(sql: SqlExecutor, events: StockItemEnvelope[]): Promise<void> {
    const levels = new Map<
      string,
      { sku: string; warehouse: string; onHand: number; reserved: number; available: number }
    >();
    const totals = new Map<
      string,
      { onHand: number; reserved: number; available: number; version: number; at: string }
    >();
    const policies = new Map<
      string,
      { safetyStock: number; leadTimeDays: number | null; version: number; at: string }
    >();
    for (const event of events) {
      const sku = event.aggregateId;
      if (event.type === 'StockPolicyChanged') {
        const { safetyStock, leadTimeDays } = event.data;
        policies.set(sku, { safetyStock, leadTimeDays, version: event.sequence, at: event.occurredAt });
        continue;
      }
      for (const level of event.data.levels) levels.set(`${sku}\u0000${level.warehouse}`, { sku, ...level });
      totals.set(sku, { ...event.data.totals, version: event.sequence, at: event.occurredAt });
    }
    if (totals.size > 0) {
      // Every change of units carries both its totals and its levels: one round trip for both tables.
      const items = [...totals];
      const rows = [...levels.values()];
      await sql.query(
        `WITH items AS (
           INSERT INTO inv_stock_items (sku, on_hand, reserved, available, version, updated_at)
           SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::timestamptz[])
           ON CONFLICT (sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved,
             available = EXCLUDED.available, version = GREATEST(inv_stock_items.version, EXCLUDED.version),
             updated_at = EXCLUDED.updated_at)
         INSERT INTO inv_stock_levels (sku, warehouse, on_hand, reserved, available)
         SELECT * FROM unnest($7::text[], $8::text[], $9::int[], $10::int[], $11::int[])
         ON CONFLICT (sku, warehouse) DO UPDATE SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved,
           available = EXCLUDED.available`,
        [
          items.map(([sku]) => sku),
          items.map(([, t]) => t.onHand),
          items.map(([, t]) => t.reserved),
          items.map(([, t]) => t.available),
          items.map(([, t]) => t.version),
          items.map(([, t]) => t.at),
          rows.map((r) => r.sku),
          rows.map((r) => r.warehouse),
          rows.map((r) => r.onHand),
          rows.map((r) => r.reserved),
          rows.map((r) => r.available),
        ],
      );
    }
    if (policies.size > 0) {
      const rows = [...policies];
      await sql.query(
        `INSERT INTO inv_stock_items (sku, on_hand, reserved, available, safety_stock, lead_time_days, version, updated_at)
         SELECT sku, 0, 0, 0, safety_stock, lead_time_days, version, at
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::timestamptz[])
           AS p(sku, safety_stock, lead_time_days, version, at)
         ON CONFLICT (sku) DO UPDATE SET safety_stock = EXCLUDED.safety_stock,
           lead_time_days = EXCLUDED.lead_time_days, version = GREATEST(inv_stock_items.version, EXCLUDED.version),
           updated_at = EXCLUDED.updated_at`,
        [
          rows.map(([sku]) => sku),
          rows.map(([, p]) => p.safetyStock),
          rows.map(([, p]) => p.leadTimeDays),
          rows.map(([, p]) => p.version),
          rows.map(([, p]) => p.at),
        ],
      );
    }
  }

  async reset(sql: SqlExecutor): Promise<void> {
    await sql.query(`DELETE FROM inv_stock_levels`);
    await sql.query(`DELETE FROM inv_stock_items`);
  }
}
