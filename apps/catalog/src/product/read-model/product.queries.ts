import { InvalidCommandError, NotFoundError, SqlExecutor } from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ProductStatus, SkuStatus } from '../domain/product.aggregate';
import { ProductView, SkuDetailView, SkuView } from './product.views';

interface ProductRow {
  id: string;
  title: string;
  description: string | null;
  category_id: string;
  attributes: Record<string, string>;
  status: ProductStatus;
  version: number;
  created_at: Date;
  updated_at: Date;
  skus: SkuJson[];
}

interface SkuJson {
  code: string;
  price: number | string;
  cost: number | string | null;
  currency: string;
  attributes: Record<string, string>;
  status: SkuStatus;
}

const SELECT_PRODUCT = `
  SELECT p.id, p.title, p.description, p.category_id, p.attributes, p.status, p.version, p.created_at, p.updated_at,
         COALESCE((SELECT json_agg(json_build_object('code', s.code, 'price', s.price, 'cost', s.cost,
                                                     'currency', s.currency, 'attributes', s.attributes, 'status', s.status)
                                   ORDER BY s.position)
                   FROM catalog_skus s WHERE s.product_id = p.id), '[]'::json) AS skus
  FROM catalog_products p`;

function toProductView(row: ProductRow): ProductView {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    categoryId: row.category_id,
    status: row.status,
    attributes: row.attributes,
    skus: row.skus.map((sku): SkuView => ({
      code: sku.code,
      productId: row.id,
      price: Number(sku.price),
      currency: sku.currency,
      cost: sku.cost === null ? null : Number(sku.cost),
      attributes: sku.attributes,
      status: sku.status,
    })),
    version: Number(row.version),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface ProductListFilter {
  categoryId?: string;
  q?: string;
  /** Statuses the caller may see and asked for; empty = nothing matches. */
  statuses: readonly ProductStatus[];
  limit: number;
  cursor?: string;
}

/** Opaque cursor: the id (a time-ordered UUIDv7, unique and immutable) of the last item of a page. */
export function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown };
    if (typeof parsed.id === 'string' && parsed.id.length > 0 && parsed.id.length <= 64) return parsed.id;
  } catch {
    /* falls through to the error below */
  }
  throw new InvalidCommandError('cursor is not one this API returned', 'INVALID_CURSOR');
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Reads of catalog_products / catalog_skus for the REST and gRPC query side. */
@Injectable()
export class ProductQueries {
  constructor(private readonly dataSource: DataSource) {}

  async product(id: string, sql: SqlExecutor = this.dataSource): Promise<ProductView | null> {
    const rows: ProductRow[] = await sql.query(`${SELECT_PRODUCT} WHERE p.id = $1`, [id]);
    return rows.length ? toProductView(rows[0]) : null;
  }

  /** Newest first, paged by id: stable under inserts (a new product never shifts later pages). */
  async list(filter: ProductListFilter): Promise<{ items: ProductView[]; nextCursor: string | null }> {
    if (filter.statuses.length === 0) return { items: [], nextCursor: null };
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    where.push(
      filter.statuses.length === 1
        ? `p.status = ${param(filter.statuses[0])}`
        : `p.status = ANY(${param(filter.statuses)})`,
    );
    if (filter.categoryId) {
      // The category and every category below it.
      where.push(
        `p.category_id IN (SELECT c.id FROM catalog_categories c WHERE c.path @> ARRAY[${param(filter.categoryId)}::text])`,
      );
    }
    if (filter.q) where.push(`p.title ILIKE ${param(`%${escapeLike(filter.q)}%`)}`);
    if (filter.cursor) where.push(`p.id < ${param(decodeCursor(filter.cursor))}`);
    const rows: ProductRow[] = await this.dataSource.query(
      `${SELECT_PRODUCT} WHERE ${where.join(' AND ')} ORDER BY p.id DESC LIMIT ${param(filter.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, filter.limit).map(toProductView);
    return {
      items: page,
      nextCursor: rows.length > filter.limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  async sku(code: string): Promise<SkuDetailView | null> {
    const rows: (SkuJson & { product_id: string; product_status: ProductStatus })[] =
      await this.dataSource.query(
        `SELECT s.code, s.product_id, s.price, s.cost, s.currency, s.attributes, s.status, p.status AS product_status
       FROM catalog_skus s JOIN catalog_products p ON p.id = s.product_id WHERE s.code = $1`,
        [code],
      );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      code: row.code,
      productId: row.product_id,
      price: Number(row.price),
      currency: row.currency,
      cost: row.cost === null ? null : Number(row.cost),
      attributes: row.attributes,
      status: row.status,
      productStatus: row.product_status,
    };
  }

  /** The product a SKU belongs to (a SKU never moves between products); 404 when no product has the code. */
  async productIdOfSku(code: string): Promise<string> {
    const rows: { product_id: string }[] = await this.dataSource.query(
      `SELECT product_id FROM catalog_skus WHERE code = $1`,
      [code],
    );
    if (rows.length === 0) throw new NotFoundError(`SKU ${code} not found`, 'SKU_NOT_FOUND');
    return rows[0].product_id;
  }

  /** Which of these SKU codes some product already has. */
  async takenSkuCodes(
    sql: SqlExecutor,
    codes: readonly string[],
  ): Promise<{ code: string; productId: string }[]> {
    if (codes.length === 0) return [];
    const rows: { code: string; product_id: string }[] = await sql.query(
      `SELECT code, product_id FROM catalog_skus WHERE code = ANY($1::text[]) ORDER BY code`,
      [codes],
    );
    return rows.map((row) => ({ code: row.code, productId: row.product_id }));
  }
}
