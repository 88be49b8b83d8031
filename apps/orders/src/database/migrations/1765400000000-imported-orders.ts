import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders brought over by the order-history import:
 *  - orders_view.imported: where an imported order came from ({sourceOrderId, customerRef, refunds}),
 *    null for orders placed here;
 *  - order lists go newest first by the order's own date (placed_at), no longer by id: imported orders
 *    have ids derived from their source id (UUIDv5, not time-ordered) and dates in the past. The new
 *    indexes serve the member's list, the operator's status filter and the unfiltered list with the
 *    (placed_at, order_id) cursor; they replace the id-ordered ones.
 */
export class ImportedOrders1765400000000 implements MigrationInterface {
  name = 'ImportedOrders1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders_view ADD COLUMN imported jsonb`);
    await q.query(`CREATE INDEX orders_view_member_placed ON orders_view (member_id, placed_at, order_id)`);
    await q.query(`CREATE INDEX orders_view_status_placed ON orders_view (status, placed_at, order_id)`);
    await q.query(`CREATE INDEX orders_view_placed ON orders_view (placed_at, order_id)`);
    await q.query(`DROP INDEX orders_view_member`);
    await q.query(`DROP INDEX orders_view_status`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX orders_view_member ON orders_view (member_id, order_id DESC)`);
    await q.query(`CREATE INDEX orders_view_status ON orders_view (status, order_id DESC)`);
    await q.query(`DROP INDEX orders_view_placed`);
    await q.query(`DROP INDEX orders_view_status_placed`);
    await q.query(`DROP INDEX orders_view_member_placed`);
    await q.query(`ALTER TABLE orders_view DROP COLUMN imported`);
  }
}
