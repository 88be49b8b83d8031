import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog's read models, kept by inline projections in the same transaction as each append:
 * categories (with their ancestor path), products, and SKUs. catalog_skus' primary key on the code
 * is also the catalog-wide uniqueness claim: two products appending the same SKU code concurrently
 * cannot both commit.
 */
export class CreateCatalogReadModels1763800000000 implements MigrationInterface {
  name = 'CreateCatalogReadModels1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE catalog_categories (
        id         text PRIMARY KEY,
        name       text NOT NULL,
        -- trimmed, lower-case, single-spaced name: siblings may not share it
        name_key   text NOT NULL,
        parent_id  text,
        depth      smallint NOT NULL CHECK (depth BETWEEN 1 AND 3),
        -- ids from the root down to this category itself
        path       text[] NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX catalog_categories_sibling_name ON catalog_categories (COALESCE(parent_id, ''), name_key)`,
    );
    await q.query(`CREATE INDEX catalog_categories_parent ON catalog_categories (parent_id)`);
    await q.query(`CREATE INDEX catalog_categories_path ON catalog_categories USING gin (path)`);

    await q.query(`
      CREATE TABLE catalog_products (
        id          text PRIMARY KEY,
        title       text NOT NULL,
        description text,
        category_id text NOT NULL,
        attributes  jsonb NOT NULL,
        status      text NOT NULL CHECK (status IN ('DRAFT', 'LISTED', 'DELISTED')),
        -- stream version of the product this row reflects
        version     integer NOT NULL,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    // Cursor paging walks ids (time-ordered UUIDv7) newest first, within a status or a category.
    await q.query(`CREATE INDEX catalog_products_status_id ON catalog_products (status, id DESC)`);
    await q.query(`CREATE INDEX catalog_products_category_id ON catalog_products (category_id, id DESC)`);
    // Substring search on titles (ILIKE '%q%') uses a trigram index where pg_trgm can be installed.
    await q.query(`
      DO $$
      BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
      EXCEPTION WHEN others THEN
        RAISE NOTICE 'pg_trgm not available (%): title search runs without a trigram index', SQLERRM;
      END $$`);
    await q.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
          CREATE INDEX catalog_products_title_trgm ON catalog_products USING gin (title gin_trgm_ops);
        END IF;
      END $$`);

    await q.query(`
      CREATE TABLE catalog_skus (
        code       text PRIMARY KEY,
        product_id text NOT NULL,
        -- sequence of the SkuAdded event: the order SKUs were added in
        position   integer NOT NULL,
        price      bigint NOT NULL CHECK (price > 0),
        cost       bigint CHECK (cost >= 0),
        currency   text NOT NULL,
        attributes jsonb NOT NULL,
        status     text NOT NULL CHECK (status IN ('ACTIVE', 'DISCONTINUED')),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX catalog_skus_product ON catalog_skus (product_id, position)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE catalog_skus`);
    await q.query(`DROP TABLE catalog_products`);
    await q.query(`DROP TABLE catalog_categories`);
  }
}

export const CATALOG_MIGRATIONS = [CreateCatalogReadModels1763800000000];
