import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders from an imported order history (OrderImported) are stored with the live order facts, so
 * sales, RFM and the product matrix count them without a second code path. They had no storefront
 * visitor and no payment here: visitor_id, method and payment_id are null on their rows (their
 * refunds are in an_refunds with cause 'IMPORTED').
 */
export class ImportedOrders1765300000000 implements MigrationInterface {
  name = 'ImportedOrders1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE an_orders_placed ALTER COLUMN visitor_id DROP NOT NULL`);
    await q.query(
      `ALTER TABLE an_orders_paid ALTER COLUMN visitor_id DROP NOT NULL, ALTER COLUMN method DROP NOT NULL,
         ALTER COLUMN payment_id DROP NOT NULL`,
    );
  }

  /** The previous schema cannot hold imported orders: their facts go (a rebuild without them follows). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM an_refunds WHERE cause = 'IMPORTED'`);
    await q.query(`DELETE FROM an_order_lines l USING an_orders_placed p
                    WHERE p.order_id = l.order_id AND p.visitor_id IS NULL`);
    await q.query(`DELETE FROM an_orders_placed WHERE visitor_id IS NULL`);
    await q.query(`DELETE FROM an_orders_paid WHERE payment_id IS NULL`);
    await q.query(`ALTER TABLE an_orders_placed ALTER COLUMN visitor_id SET NOT NULL`);
    await q.query(
      `ALTER TABLE an_orders_paid ALTER COLUMN visitor_id SET NOT NULL, ALTER COLUMN method SET NOT NULL,
         ALTER COLUMN payment_id SET NOT NULL`,
    );
  }
}
