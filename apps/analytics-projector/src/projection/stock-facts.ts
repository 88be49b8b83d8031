import type { EnvelopeOf } from '@ecom/contracts';
import type { SqlExecutor } from '@ecom/event-sourcing';

/** Inventory events about one SKU (the StockItem stream) that change its stock facts. */
export const STOCK_EVENT_TYPES = [
  'StockReceived',
  'StockAdjusted',
  'StockTransferred',
  'StockAllocated',
  'StockDeallocated',
  'StockDeducted',
  'StockRestocked',
  'StockPolicyChanged',
] as const;
export type StockEvent = EnvelopeOf<(typeof STOCK_EVENT_TYPES)[number]>;

export interface StockItemRow {
  sku: string;
  stream_id: string | null;
  last_seq: number;
  evaluated_at: Date | null;
}

/**
 * Stock facts of one SKU. Events of a SKU come in stream order on one partition; the row lock taken
 * by `lock` serialises the rare concurrent writers (the scheduled re-evaluation, a rebalance). Levels
 * and policy are absolute values guarded by the stream sequence; batch quantities and units shipped
 * are deltas applied once per event (the consumer's processed-event records make that exactly once).
 */
export class StockFacts {
  /** Creates the SKU's row if needed and locks it for the rest of the transaction. */
  async lock(tx: SqlExecutor, sku: string): Promise<StockItemRow> {
    await tx.query(`INSERT INTO an_stock_items (sku) VALUES ($1) ON CONFLICT (sku) DO NOTHING`, [sku]);
    const rows: StockItemRow[] = await tx.query(
      `SELECT sku, stream_id, last_seq, evaluated_at FROM an_stock_items WHERE sku = $1 FOR UPDATE`,
      [sku],
    );
    return rows[0];
  }

  async apply(tx: SqlExecutor, event: StockEvent, item: StockItemRow): Promise<void> {
    // Absolute values only move forward along the stream (a stale redelivery never rolls them back).
    const newer = item.stream_id !== event.aggregateId || event.sequence > item.last_seq;
    if (newer) {
      if (event.type === 'StockPolicyChanged') {
        const d = event.data;
        await tx.query(`UPDATE an_stock_items SET safety_stock = $2, lead_time_days = $3 WHERE sku = $1`, [
          d.sku,
          d.safetyStock,
          d.leadTimeDays,
        ]);
      } else {
        const d = event.data;
        await tx.query(
          `UPDATE an_stock_items SET on_hand = $2, reserved = $3, available = $4 WHERE sku = $1`,
          [d.sku, d.totals.onHand, d.totals.reserved, d.totals.available],
        );
        for (const level of d.levels) {
          await tx.query(
            `INSERT INTO an_stock_levels (sku, warehouse, on_hand, reserved, available) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (sku, warehouse) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved,
               available = excluded.available`,
            [d.sku, level.warehouse, level.onHand, level.reserved, level.available],
          );
        }
      }
      await tx.query(`UPDATE an_stock_items SET stream_id = $2, last_seq = $3 WHERE sku = $1`, [
        item.sku,
        event.aggregateId,
        event.sequence,
      ]);
    }

    switch (event.type) {
      case 'StockReceived': {
        const d = event.data;
        if (d.batch)
          await this.addToBatch(tx, d.sku, d.warehouse, d.batch, d.quantity, d.expiresAt, event.occurredAt);
        break;
      }
      case 'StockAdjusted': {
        const d = event.data;
        if (d.batches) {
          // Inventory says which batches the units went to or came from (unbatched stock is not tracked here).
          const sign = Math.sign(d.delta);
          for (const piece of d.batches) {
            if (piece.batch)
              await this.addToBatch(
                tx,
                d.sku,
                d.warehouse,
                piece.batch,
                sign * piece.quantity,
                null,
                foundAt(sign, event.occurredAt),
              );
          }
        } else if (d.batch) {
          // Written before events named their batches: only a named batch is known to have moved.
          await this.addToBatch(
            tx,
            d.sku,
            d.warehouse,
            d.batch,
            d.delta,
            null,
            foundAt(d.delta, event.occurredAt),
          );
        }
        break;
      }
      case 'StockTransferred': {
        const d = event.data;
        if (d.batches) await this.moveBatches(tx, d.sku, d.from, d.to, d.batches);
        else await this.transferBatchesFefo(tx, d.sku, d.from, d.to, d.quantity);
        break;
      }
      case 'StockDeducted': {
        const d = event.data;
        const byWarehouse = new Map<string, number>();
        for (const a of d.allocations) {
          byWarehouse.set(a.warehouse, (byWarehouse.get(a.warehouse) ?? 0) + a.quantity);
          if (a.batch) await this.addToBatch(tx, d.sku, a.warehouse, a.batch, -a.quantity, null, null);
        }
        for (const [warehouse, units] of byWarehouse) {
          await tx.query(
            `INSERT INTO an_stock_sales (event_id, sku, warehouse, occurred_at, units) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING`,
            [event.id, d.sku, warehouse, event.occurredAt, units],
          );
        }
        break;
      }
      default:
        break;
    }
  }

  /**
   * Adds (or, negative, takes) units to a batch; a batch never goes below 0 units. `receivedAt` (units
   * coming in) keeps the earliest receipt of the batch: LEAST is the same in any order and on a
   * repeat, so a batch received twice is as old as its first receipt (stock age, docs/analytics.md).
   */
  private async addToBatch(
    tx: SqlExecutor,
    sku: string,
    warehouse: string,
    batch: string,
    delta: number,
    expiresAt: string | null,
    receivedAt: string | null,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO an_stock_batches (sku, warehouse, batch, expires_at, quantity, received_at)
       VALUES ($1, $2, $3, $4, GREATEST($5::int, 0), $6)
       ON CONFLICT (sku, warehouse, batch) DO UPDATE SET
         quantity = GREATEST(an_stock_batches.quantity + $5::int, 0),
         expires_at = coalesce(excluded.expires_at, an_stock_batches.expires_at),
         received_at = LEAST(an_stock_batches.received_at, excluded.received_at)`,
      [sku, warehouse, batch, expiresAt, delta, receivedAt],
    );
  }

  /** The batches a transfer moved, to the same batch codes (and expiry) at the destination. */
  private async moveBatches(
    tx: SqlExecutor,
    sku: string,
    from: string,
    to: string,
    pieces: readonly { batch: string | null; quantity: number }[],
  ) {
    for (const { batch, quantity } of pieces) {
      if (!batch) continue;
      const [source]: { expires_at: Date | null; received_at: Date | null }[] = await tx.query(
        `SELECT expires_at, received_at FROM an_stock_batches WHERE sku = $1 AND warehouse = $2 AND batch = $3`,
        [sku, from, batch],
      );
      await this.addToBatch(tx, sku, from, batch, -quantity, null, null);
      // The goods are as old as their receipt at the source, not the transfer.
      await this.addToBatch(
        tx,
        sku,
        to,
        batch,
        quantity,
        source?.expires_at?.toISOString() ?? null,
        source?.received_at?.toISOString() ?? null,
      );
    }
  }

  /**
   * A transfer written before events named their batches: its units moved first-expiring first (as
   * inventory decided then), from the source's batches to the same batch codes at the destination.
   */
  private async transferBatchesFefo(
    tx: SqlExecutor,
    sku: string,
    from: string,
    to: string,
    quantity: number,
  ) {
    const batches: { batch: string; expires_at: Date | null; quantity: number; received_at: Date | null }[] =
      await tx.query(
        `SELECT batch, expires_at, quantity, received_at FROM an_stock_batches WHERE sku = $1 AND warehouse = $2 AND quantity > 0
        ORDER BY expires_at ASC NULLS LAST, batch`,
        [sku, from],
      );
    let left = quantity;
    for (const b of batches) {
      if (left <= 0) break;
      const moved = Math.min(left, b.quantity);
      left -= moved;
      await this.addToBatch(tx, sku, from, b.batch, -moved, null, null);
      await this.addToBatch(
        tx,
        sku,
        to,
        b.batch,
        moved,
        b.expires_at ? b.expires_at.toISOString() : null,
        b.received_at ? b.received_at.toISOString() : null,
      );
    }
  }
}

/**
 * Units an adjustment put into a batch (found stock) date from the adjustment when the batch had no
 * receipt yet; units taken out date nothing.
 */
function foundAt(delta: number, occurredAt: string): string | null {
  return delta > 0 ? occurredAt : null;
}
