import { MigrationInterface, QueryRunner } from 'typeorm';

/** Shards of the co-purchase order count as of this migration (copurchase-sync.ts writes them). */
const SHARDS = 16;

/**
 * The number of counted co-purchase orders is kept in 16 rows instead of one (docs/analytics.md,
 * "Co-purchase"): every projector batch with paid orders updated the one row, so concurrent batches
 * of other partitions waited for each other's commits on it. An order counts in the shard of a hash
 * of its id, so the rows still depend only on which orders count (a rebuild writes the same ones);
 * the total is their sum. Existing counts are redistributed from an_copurchase_orders.
 */
export class CopurchaseTotalShards1765850000000 implements MigrationInterface {
  name = 'CopurchaseTotalShards1765850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE an_copurchase_totals DROP CONSTRAINT an_copurchase_totals_id_check`);
    await q.query(
      `ALTER TABLE an_copurchase_totals ADD CONSTRAINT an_copurchase_totals_shard
         CHECK (id >= 0 AND id < ${SHARDS})`,
    );
    await q.query(`DELETE FROM an_copurchase_totals`);
    await q.query(
      `INSERT INTO an_copurchase_totals (id, orders)
       SELECT hashtext(order_id) & ${SHARDS - 1}, count(*) FROM an_copurchase_orders GROUP BY 1`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE an_copurchase_totals DROP CONSTRAINT an_copurchase_totals_shard`);
    await q.query(
      `INSERT INTO an_copurchase_totals (id, orders) SELECT 1, coalesce(sum(orders), 0) FROM an_copurchase_totals
       ON CONFLICT (id) DO UPDATE SET orders = excluded.orders`,
    );
    await q.query(`DELETE FROM an_copurchase_totals WHERE id <> 1 OR orders = 0`);
    await q.query(
      `ALTER TABLE an_copurchase_totals ADD CONSTRAINT an_copurchase_totals_id_check CHECK (id = 1)`,
    );
  }
}
