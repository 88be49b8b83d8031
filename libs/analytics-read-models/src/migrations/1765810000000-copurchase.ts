import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Co-purchase counts, maintained by the projector as orders are paid (docs/analytics.md,
 * "Co-purchase"):
 *  - an_copurchase_orders: each order counted now with the basket (distinct SKUs) it was counted
 *    with: the key that makes counting exactly once, and what a full refund takes away;
 *  - an_copurchase_totals: the number of counted orders (one row, id 1; none while 0);
 *  - an_copurchase_skus: counted orders per SKU;
 *  - an_copurchase_pairs: counted orders per SKU pair, sku_a < sku_b, with an index to find a SKU's
 *    pairs from either side.
 * Rows whose count reaches 0 are deleted. No CHECK (orders >= 0): an upsert's proposed row carries the
 * delta, which is negative when a full refund takes an order away. SKU keys use the "C" collation: the byte order the projector
 * sorts pairs in, whatever the database's locale. Existing facts are counted by a rebuild.
 */
export class Copurchase1765810000000 implements MigrationInterface {
  name = 'Copurchase1765810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE an_copurchase_orders (
         order_id text PRIMARY KEY,
         skus text[] COLLATE "C" NOT NULL)`,
    );
    await q.query(
      `CREATE TABLE an_copurchase_totals (
         id smallint PRIMARY KEY CHECK (id = 1),
         orders integer NOT NULL)`,
    );
    await q.query(
      `CREATE TABLE an_copurchase_skus (
         sku text COLLATE "C" PRIMARY KEY,
         orders integer NOT NULL)`,
    );
    await q.query(
      `CREATE TABLE an_copurchase_pairs (
         sku_a text COLLATE "C" NOT NULL,
         sku_b text COLLATE "C" NOT NULL,
         orders integer NOT NULL,
         PRIMARY KEY (sku_a, sku_b),
         CHECK (sku_a < sku_b))`,
    );
    await q.query(`CREATE INDEX an_copurchase_pairs_b ON an_copurchase_pairs (sku_b, sku_a)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE an_copurchase_pairs`);
    await q.query(`DROP TABLE an_copurchase_skus`);
    await q.query(`DROP TABLE an_copurchase_totals`);
    await q.query(`DROP TABLE an_copurchase_orders`);
  }
}
