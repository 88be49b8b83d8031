import type { SqlExecutor } from '@ecom/event-sourcing';
import {
  combinedSellThrough,
  combinedStockAge,
  expiringUnits,
  SellThrough,
  sellThrough,
  StockAge,
  stockAge,
  totalValueAtRisk,
  ValueAtRisk,
  valueAtRisk,
  ValueAtRiskTotal,
} from './stock-health.domain';

const DAY_MS = 86_400_000;

export interface StockHealthSkuView {
  sku: string;
  productId: string | null;
  title: string | null;
  categoryId: string | null;
  onHand: number;
  available: number;
  sellThrough: SellThrough;
  stockAge: StockAge;
}

export interface StockHealthCategoryView {
  /** null: SKUs whose product has no category (or that catalog never described). */
  categoryId: string | null;
  skus: number;
  onHand: number;
  available: number;
  sellThrough: SellThrough;
  stockAge: StockAge;
}

export interface StockHealthView {
  /** The instant the figures are for (the analytics clock). */
  asOf: string;
  days: number;
  category: string | null;
  skus: StockHealthSkuView[];
  categories: StockHealthCategoryView[];
}

export interface ValueAtRiskSkuView extends ValueAtRisk {
  sku: string;
  productId: string | null;
  title: string | null;
  categoryId: string | null;
  currency: string | null;
  expiredUnits: number;
  earliestExpiry: string;
  unitCost: number | null;
  unitPrice: number | null;
}

export interface ValueAtRiskGroupView extends ValueAtRiskTotal {
  currency: string | null;
  skus: number;
  expiredUnits: number;
}

export interface ValueAtRiskCategoryView extends ValueAtRiskGroupView {
  categoryId: string | null;
}

export interface ValueAtRiskView {
  asOf: string;
  withinDays: number;
  /** Batches expiring at or before this instant count (asOf + withinDays). */
  horizon: string;
  skus: ValueAtRiskSkuView[];
  categories: ValueAtRiskCategoryView[];
  /** One per currency the SKUs at risk are priced in. */
  totals: ValueAtRiskGroupView[];
}

interface ItemRow {
  sku: string;
  product_id: string | null;
  title: string | null;
  category_id: string | null;
  on_hand: number;
  available: number;
  cost: string | null;
  price: string | null;
  currency: string | null;
  shipped: number;
}

const byCategory = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;

/**
 * Stock health over the stock facts the projector keeps (an_stock_items, an_stock_sales,
 * an_stock_batches with their receipt time) and the catalog facts, derived at read time for an
 * instant: every figure is a function of the read models and the instant, so it is the same after
 * a rebuild and in any delivery order the read models are.
 */
export class StockHealthQueries {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * SKUs with stock facts (in `category` when given) with their catalog facts and, with `window`,
   * the units shipped in (from, to]: over every SKU one pass over the window's shipments (index on
   * occurred_at), for one category an index range of (sku, occurred_at) per SKU.
   */
  private items(category: string | null, window?: { from: Date; to: Date }): Promise<ItemRow[]> {
    const shipped =
      category === null
        ? `LEFT JOIN (SELECT x.sku, sum(x.units) AS units FROM an_stock_sales x
                       WHERE x.occurred_at > $2 AND x.occurred_at <= $3 GROUP BY x.sku) sh ON sh.sku = i.sku`
        : `LEFT JOIN LATERAL (SELECT sum(x.units) AS units FROM an_stock_sales x
                              WHERE x.sku = i.sku AND x.occurred_at > $2 AND x.occurred_at <= $3) sh ON true`;
    return this.sql.query(
      `SELECT i.sku, s.product_id, p.title, p.category_id, i.on_hand, i.available, s.cost, s.price, s.currency,
              coalesce(sh.units, 0)::int AS shipped
         FROM an_stock_items i
         LEFT JOIN an_skus s ON s.sku = i.sku
         LEFT JOIN an_products p ON p.product_id = s.product_id
         ${shipped}
        WHERE $1::text IS NULL OR p.category_id = $1
        ORDER BY i.sku`,
      // Without a window nothing is shipped in it: an empty range.
      [category, window?.from ?? new Date(0), window?.to ?? new Date(0)],
    );
  }

  /**
   * Batches with units left, per SKU: of these SKUs (`skus` given: a category's few, read through the
   * primary key), expiring by `expiringBy` (given), or all.
   */
  private async batches(options: {
    skus?: string[];
    expiringBy?: Date;
  }): Promise<Map<string, { quantity: number; receivedAt: Date | null; expiresAt: Date | null }[]>> {
    // Instants as whole epoch milliseconds (float8 arrives as a number, exact to the millisecond):
    // parsing tens of thousands of timestamps as dates was most of the time of an answer over every SKU.
    const rows: { sku: string; quantity: number; received_ms: number | null; expires_ms: number | null }[] =
      await this.sql.query(
        `SELECT b.sku, b.quantity, floor(extract(epoch FROM b.received_at) * 1000)::float8 AS received_ms,
                floor(extract(epoch FROM b.expires_at) * 1000)::float8 AS expires_ms
           FROM an_stock_batches b
          WHERE b.quantity > 0
            AND ($1::text[] IS NULL OR b.sku = ANY($1::text[]))
            AND ($2::timestamptz IS NULL OR b.expires_at <= $2)
          ORDER BY b.sku, b.warehouse, b.batch`,
        [options.skus ?? null, options.expiringBy ?? null],
      );
    const bySku = new Map<string, { quantity: number; receivedAt: Date | null; expiresAt: Date | null }[]>();
    for (const r of rows) {
      const list = bySku.get(r.sku);
      const batch = {
        quantity: r.quantity,
        receivedAt: r.received_ms === null ? null : new Date(r.received_ms),
        expiresAt: r.expires_ms === null ? null : new Date(r.expires_ms),
      };
      if (list) list.push(batch);
      else bySku.set(r.sku, [batch]);
    }
    return bySku;
  }

  /**
   * Per SKU with stock facts (in `category` when given): sell-through over (at - days, at] and units
   * on hand by age since receipt at `at`; per category the same over the summed units.
   */
  async health(options: { at: Date; days: number; category?: string | null }): Promise<StockHealthView> {
    const category = options.category ?? null;
    const items = await this.items(category, {
      from: new Date(options.at.getTime() - options.days * DAY_MS),
      to: options.at,
    });
    const batches = await this.batches(category === null ? {} : { skus: items.map((i) => i.sku) });

    const rows: StockHealthSkuView[] = items.map((i) => ({
      sku: i.sku,
      productId: i.product_id,
      title: i.title,
      categoryId: i.category_id,
      onHand: i.on_hand,
      available: i.available,
      sellThrough: sellThrough({
        shipped: i.shipped,
        reserved: i.on_hand - i.available,
        onHand: i.on_hand,
      }),
      stockAge: stockAge(batches.get(i.sku) ?? [], i.on_hand, options.at),
    }));

    const groups = new Map<string | null, StockHealthSkuView[]>();
    for (const row of rows) {
      const members = groups.get(row.categoryId);
      if (members) members.push(row);
      else groups.set(row.categoryId, [row]);
    }
    const categories = [...groups.entries()]
      .sort(([a], [b]) => byCategory(a, b))
      .map(([categoryId, members]) => ({
        categoryId,
        skus: members.length,
        onHand: members.reduce((t, m) => t + m.onHand, 0),
        available: members.reduce((t, m) => t + m.available, 0),
        sellThrough: combinedSellThrough(members.map((m) => m.sellThrough)),
        stockAge: combinedStockAge(members.map((m) => m.stockAge)),
      }));
    return { asOf: options.at.toISOString(), days: options.days, category, skus: rows, categories };
  }

  /**
   * Units in batches expiring within `withinDays` of `at` (expired included) per SKU, valued at the
   * SKU's current unit cost (and, separately, price), summed per category and currency and per currency.
   */
  async valueAtRisk(options: { at: Date; withinDays: number }): Promise<ValueAtRiskView> {
    // Only batches expiring by the horizon are read; expiringUnits applies the rule itself.
    const batches = await this.batches({
      expiringBy: new Date(options.at.getTime() + options.withinDays * DAY_MS),
    });
    const items = await this.items(null);
    const skus: ValueAtRiskSkuView[] = [];
    for (const i of items) {
      const mine = batches.get(i.sku);
      if (!mine) continue;
      const expiring = expiringUnits(mine, options.at, options.withinDays);
      if (expiring.units === 0) continue;
      const unitCost = i.cost === null ? null : Number(i.cost);
      const unitPrice = i.price === null ? null : Number(i.price);
      skus.push({
        sku: i.sku,
        productId: i.product_id,
        title: i.title,
        categoryId: i.category_id,
        currency: i.currency,
        ...valueAtRisk(expiring.units, unitCost, unitPrice),
        expiredUnits: expiring.expiredUnits,
        earliestExpiry: expiring.earliestExpiry!.toISOString(),
        unitCost,
        unitPrice,
      });
    }
    // Biggest loss first: what clearance should look at first.
    skus.sort(
      (a, b) => (b.costValue ?? -1) - (a.costValue ?? -1) || b.units - a.units || (a.sku < b.sku ? -1 : 1),
    );

    const group = (members: ValueAtRiskSkuView[], currency: string | null): ValueAtRiskGroupView => ({
      currency,
      skus: members.length,
      expiredUnits: members.reduce((t, m) => t + m.expiredUnits, 0),
      ...totalValueAtRisk(members),
    });
    const byKey = <K>(key: (s: ValueAtRiskSkuView) => K) => {
      const map = new Map<string, { key: K; members: ValueAtRiskSkuView[] }>();
      for (const s of skus) {
        const k = JSON.stringify(key(s));
        const group = map.get(k);
        if (group) group.members.push(s);
        else map.set(k, { key: key(s), members: [s] });
      }
      return [...map.values()];
    };
    const categories = byKey((s) => [s.categoryId, s.currency] as const)
      .map(({ key: [categoryId, currency], members }) => ({ categoryId, ...group(members, currency) }))
      .sort((a, b) => byCategory(a.categoryId, b.categoryId) || byCategory(a.currency, b.currency));
    const totals = byKey((s) => s.currency)
      .map(({ key, members }) => group(members, key))
      .sort((a, b) => byCategory(a.currency, b.currency));
    return {
      asOf: options.at.toISOString(),
      withinDays: options.withinDays,
      horizon: new Date(options.at.getTime() + options.withinDays * DAY_MS).toISOString(),
      skus,
      categories,
      totals,
    };
  }
}
