import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stock age: when each batch came into the shop. StockReceived carries no receipt time of its own,
 * so the projector takes the receipt event's occurredAt; a batch code received again keeps its
 * earliest receipt, a batch moved to another warehouse keeps the time it was received at the source.
 * Rows written before this migration have none (their units count as of unknown age) until a rebuild.
 * Sell-through over every SKU sums the shipments of a window: an index on their time reads only it.
 */
export class StockBatchReceivedAt1765820000000 implements MigrationInterface {
  name = 'StockBatchReceivedAt1765820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE an_stock_batches ADD COLUMN received_at timestamptz`);
    await q.query(`CREATE INDEX an_stock_sales_time ON an_stock_sales (occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX an_stock_sales_time`);
    await q.query(`ALTER TABLE an_stock_batches DROP COLUMN received_at`);
  }
}
