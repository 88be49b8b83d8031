import type { EnvelopeOf } from '@ecom/contracts';
import type { InlineProjection, SqlExecutor } from '@ecom/event-sourcing';
import { normalizeCategoryName } from '../domain/category.decisions';

/**
 * catalog_categories, written in the append's transaction. The unique index on (parent, name_key)
 * makes two concurrent creations of the same sibling name fail at commit time (the 409 of the loser).
 * Rows carry only what the events say (times are event times), so a rebuild comes out identical.
 */
export class CategoryProjection implements InlineProjection<EnvelopeOf<'CategoryCreated'>> {
  readonly name = 'catalog-categories';
  readonly handles = ['CategoryCreated'] as const;

  async apply(sql: SqlExecutor, events: EnvelopeOf<'CategoryCreated'>[]): Promise<void> {
    for (const event of events) {
      const { categoryId, name, parentId, depth } = event.data;
      await sql.query(
        `INSERT INTO catalog_categories (id, name, name_key, parent_id, depth, path, created_at)
         SELECT $1, $2, $3, $4::text, $5,
                COALESCE((SELECT path FROM catalog_categories WHERE id = $4::text), '{}') || $1::text, $6`,
        [categoryId, name, normalizeCategoryName(name), parentId, depth, event.occurredAt],
      );
    }
  }

  async reset(sql: SqlExecutor): Promise<void> {
    await sql.query(`TRUNCATE catalog_categories`);
  }
}
