import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SKUs the catalog has created (SkuAdded on catalog.events), kept by the catalog-skus consumer:
 * stock commands that would create a stock item refuse a SKU the catalog does not know (404).
 */
export class CreateKnownSkus1764900000000 implements MigrationInterface {
  name = 'CreateKnownSkus1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inv_known_skus (
        sku        text PRIMARY KEY,
        product_id text NOT NULL,
        added_at   timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inv_known_skus`);
  }
}
