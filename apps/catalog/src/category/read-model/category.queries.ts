import type { SqlExecutor } from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ParentCategoryFacts } from '../domain/category.decisions';
import { CategoryTreeNode, CategoryView } from './category.views';

interface CategoryRow {
  id: string;
  name: string;
  parent_id: string | null;
  depth: number;
  path: string[];
  leaf: boolean;
  created_at: Date;
}

const SELECT_CATEGORY = `
  SELECT c.id, c.name, c.parent_id, c.depth, c.path, c.created_at,
         NOT EXISTS (SELECT 1 FROM catalog_categories k WHERE k.parent_id = c.id) AS leaf
  FROM catalog_categories c`;

function toView(row: CategoryRow): CategoryView {
  return {
    id: row.id,
    name: row.name,
    parentId: row.parent_id,
    depth: Number(row.depth),
    path: row.path,
    leaf: row.leaf,
    createdAt: row.created_at.toISOString(),
  };
}

/** Reads of catalog_categories: public listings, and the facts category and product commands decide on. */
@Injectable()
export class CategoryQueries {
  constructor(private readonly dataSource: DataSource) {}

  async list(filter: { parentId?: string; roots?: boolean } = {}): Promise<CategoryView[]> {
    const where = filter.roots
      ? 'WHERE c.parent_id IS NULL'
      : filter.parentId
        ? 'WHERE c.parent_id = $1'
        : '';
    const rows: CategoryRow[] = await this.dataSource.query(
      `${SELECT_CATEGORY} ${where} ORDER BY c.depth, c.name_key, c.id`,
      filter.parentId && !filter.roots ? [filter.parentId] : [],
    );
    return rows.map(toView);
  }

  async tree(): Promise<CategoryTreeNode[]> {
    const nodes = (await this.list()).map((view): CategoryTreeNode => ({ ...view, children: [] }));
    const byId = new Map(nodes.map((node) => [node.id, node]));
    const roots: CategoryTreeNode[] = [];
    // Sorted by depth, so a parent is always placed before its children.
    for (const node of nodes) {
      const parent = node.parentId ? byId.get(node.parentId) : undefined;
      if (parent) parent.children.push(node);
      else roots.push(node);
    }
    return roots;
  }

  async get(id: string, sql: SqlExecutor = this.dataSource): Promise<CategoryView | null> {
    const rows: CategoryRow[] = await sql.query(`${SELECT_CATEGORY} WHERE c.id = $1`, [id]);
    return rows.length ? toView(rows[0]) : null;
  }

  /**
   * The parent of a category being created, locked FOR UPDATE so that a product cannot be published
   * into it while it gains its first child (publishing locks the category FOR SHARE).
   */
  async lockParentFacts(tx: SqlExecutor, parentId: string): Promise<ParentCategoryFacts | null> {
    const rows: { id: string; depth: number }[] = await tx.query(
      `SELECT id, depth FROM catalog_categories WHERE id = $1 FOR UPDATE`,
      [parentId],
    );
    if (rows.length === 0) return null;
    const [{ listed }] = await tx.query(
      `SELECT count(*)::int AS listed FROM catalog_products WHERE category_id = $1 AND status = 'LISTED'`,
      [parentId],
    );
    return { id: rows[0].id, depth: Number(rows[0].depth), listedProducts: listed };
  }

  async siblingNames(tx: SqlExecutor, parentId: string | null): Promise<string[]> {
    const rows: { name: string }[] = parentId
      ? await tx.query(`SELECT name FROM catalog_categories WHERE parent_id = $1`, [parentId])
      : await tx.query(`SELECT name FROM catalog_categories WHERE parent_id IS NULL`);
    return rows.map((row) => row.name);
  }

  /**
   * Whether a category exists and is a leaf, with the category row locked FOR SHARE until the
   * command commits: a concurrent creation of a first child waits, then sees the listed product.
   */
  async lockLeafFacts(tx: SqlExecutor, categoryId: string): Promise<{ id: string; leaf: boolean } | null> {
    const rows: { id: string }[] = await tx.query(
      `SELECT id FROM catalog_categories WHERE id = $1 FOR SHARE`,
      [categoryId],
    );
    if (rows.length === 0) return null;
    const [{ leaf }] = await tx.query(
      `SELECT NOT EXISTS (SELECT 1 FROM catalog_categories WHERE parent_id = $1) AS leaf`,
      [categoryId],
    );
    return { id: categoryId, leaf };
  }
}
