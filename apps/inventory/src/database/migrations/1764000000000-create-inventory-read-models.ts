import { MigrationInterface, QueryRunner } from 'typeorm';
import { CreateKnownSkus1764900000000 } from './1764900000000-create-known-skus';

/**
 * Read models of the inventory service, kept by inline projections in the append's transaction:
 * warehouses, and stock levels per SKU (totals, policy) and per SKU and warehouse. The CHECK
 * constraints restate the invariant 0 <= reserved <= on_hand: a bug that broke it would fail the
 * append's transaction instead of being recorded.
 */
export class CreateInventoryReadModels1764000000000 implements MigrationInterface {
  name = 'CreateInventoryReadModels1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inv_warehouses (
        code         text PRIMARY KEY,
        warehouse_id text NOT NULL,
        name         text NOT NULL,
        region       text,
        created_at   timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE inv_stock_items (
        sku            text PRIMARY KEY,
        on_hand        integer NOT NULL,
        reserved       integer NOT NULL,
        available      integer NOT NULL,
        safety_stock   integer NOT NULL DEFAULT 0,
        lead_time_days integer,
        version        integer NOT NULL,
        updated_at     timestamptz NOT NULL,
        CONSTRAINT inv_stock_items_invariant
          CHECK (reserved >= 0 AND reserved <= on_hand AND available = on_hand - reserved)
      )`);
    await q.query(`
      CREATE TABLE inv_stock_levels (
        sku       text NOT NULL,
        warehouse text NOT NULL,
        on_hand   integer NOT NULL,
        reserved  integer NOT NULL,
        available integer NOT NULL,
        PRIMARY KEY (sku, warehouse),
        CONSTRAINT inv_stock_levels_invariant
          CHECK (reserved >= 0 AND reserved <= on_hand AND available = on_hand - reserved)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inv_stock_levels`);
    await q.query(`DROP TABLE inv_stock_items`);
    await q.query(`DROP TABLE inv_warehouses`);
  }
}

export const INVENTORY_MIGRATIONS = [CreateInventoryReadModels1764000000000, CreateKnownSkus1764900000000];
