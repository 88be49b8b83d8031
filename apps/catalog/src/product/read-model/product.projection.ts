import type { EnvelopeOf } from '@ecom/contracts';
import type { InlineProjection, SqlExecutor } from '@ecom/event-sourcing';
import { PRODUCT_EVENT_TYPES, ProductEvent } from '../domain/product.aggregate';

type ProductEnvelope = EnvelopeOf<ProductEvent['type']>;

/**
 * catalog_products and catalog_skus, written in the append's transaction. SkuAdded is a plain INSERT
 * on the code (primary key): the catalog-wide SKU-code claim, so a code cannot be taken twice even by
 * two products created at the same moment. Times and versions come from the events, so a rebuild
 * from the event store gives the same rows.
 */
export class ProductProjection implements InlineProjection<ProductEnvelope> {
  readonly name = 'catalog-products';
  readonly handles = PRODUCT_EVENT_TYPES;

  async apply(sql: SqlExecutor, events: ProductEnvelope[]): Promise<void> {
    for (const event of events) {
      await this.applyOne(sql, event);
    }
  }

  private async applyOne(sql: SqlExecutor, event: ProductEnvelope): Promise<void> {
    const at = event.occurredAt;
    switch (event.type) {
      case 'ProductCreated': {
        const d = event.data;
        await sql.query(
          `INSERT INTO catalog_products (id, title, description, category_id, attributes, status, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 'DRAFT', $6, $7, $7)`,
          [
            d.productId,
            d.title,
            d.description,
            d.categoryId,
            JSON.stringify(d.attributes),
            event.sequence,
            at,
          ],
        );
        return;
      }
      case 'ProductDetailsChanged': {
        const { productId, ...changes } = event.data;
        const columns: Record<string, unknown> = {};
        if (changes.title !== undefined) columns.title = changes.title;
        if (changes.description !== undefined) columns.description = changes.description;
        if (changes.categoryId !== undefined) columns.category_id = changes.categoryId;
        if (changes.attributes !== undefined) columns.attributes = JSON.stringify(changes.attributes);
        const names = Object.keys(columns);
        await sql.query(
          `UPDATE catalog_products SET ${names
            .map((n, i) => `${n} = $${i + 4}`)
            .concat('version = $2', 'updated_at = $3')
            .join(', ')}
           WHERE id = $1`,
          [productId, event.sequence, at, ...names.map((n) => columns[n])],
        );
        return;
      }
      case 'SkuAdded': {
        const d = event.data;
        await sql.query(
          `INSERT INTO catalog_skus (code, product_id, position, price, cost, currency, attributes, status, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'ACTIVE', $8, $8)`,
          [d.sku, d.productId, event.sequence, d.price, d.cost, d.currency, JSON.stringify(d.attributes), at],
        );
        return this.touch(sql, d.productId, event);
      }
      case 'SkuPriceChanged':
        await this.updateSku(sql, event.data.sku, 'price = $3', event.data.price, at);
        return this.touch(sql, event.data.productId, event);
      case 'SkuCostChanged':
        await this.updateSku(sql, event.data.sku, 'cost = $3', event.data.cost, at);
        return this.touch(sql, event.data.productId, event);
      case 'SkuDiscontinued':
        await this.updateSku(sql, event.data.sku, 'status = $3', 'DISCONTINUED', at);
        return this.touch(sql, event.data.productId, event);
      case 'ProductPublished':
        return this.touch(sql, event.data.productId, event, 'LISTED');
      case 'ProductUnpublished':
        return this.touch(sql, event.data.productId, event, 'DELISTED');
    }
  }

  private async updateSku(sql: SqlExecutor, code: string, assignment: string, value: unknown, at: string) {
    await sql.query(`UPDATE catalog_skus SET ${assignment}, updated_at = $2 WHERE code = $1`, [
      code,
      at,
      value,
    ]);
  }

  /** Every product event moves the product row's version and update time (and status when given). */
  private async touch(sql: SqlExecutor, productId: string, event: ProductEnvelope, status?: string) {
    await sql.query(
      `UPDATE catalog_products SET version = $2, updated_at = $3, status = COALESCE($4, status) WHERE id = $1`,
      [productId, event.sequence, event.occurredAt, status ?? null],
    );
  }

  async reset(sql: SqlExecutor): Promise<void> {
    await sql.query(`TRUNCATE catalog_products, catalog_skus`);
  }
}
