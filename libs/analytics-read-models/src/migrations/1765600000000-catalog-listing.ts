import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether catalog lists a product (ProductPublished / ProductUnpublished, the newest event of the
 * product's stream wins) and when, and when each SKU was added: a listed SKU that inventory never
 * stocked is OUT_OF_STOCK for shoppers, since the later of the two. Rows written before this
 * migration learn it from a rebuild.
 */
export class CatalogListing1765600000000 implements MigrationInterface {
  name = 'CatalogListing1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE an_products ADD COLUMN listed boolean NOT NULL DEFAULT false,
         ADD COLUMN listed_seq integer NOT NULL DEFAULT 0, ADD COLUMN listed_at timestamptz`,
    );
    await q.query(`ALTER TABLE an_skus ADD COLUMN added_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE an_skus DROP COLUMN added_at`);
    await q.query(
      `ALTER TABLE an_products DROP COLUMN listed, DROP COLUMN listed_seq, DROP COLUMN listed_at`,
    );
  }
}
