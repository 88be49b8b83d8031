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

  private items(category: string | null): Promise<ItemRow[]> {
    return this.sql.query(
      `SELECT i.sku, s.product_id, p.title, p.category_id, i.on_hand, i.available, s.cost, s.price, s.currency
         FROM an_stock_items i
         LEFT JOIN an_skus s ON s.sku = i.sku
         LEFT JOIN an_products p ON p.product_id = s.product_id
        WHERE $1::text IS NULL OR p.category_id = $1
        ORDER BY i.sku`,
      [category],
    );
  }

  /** Batches with units left, per SKU. */
  private async batches(
    skus: string[],
  ): Promise<Map<string, { quantity: number; receivedAt: Date | null; expiresAt: Date | null }[]>> {
    const rows: { sku: string; quantity: number; received_at: Date | null; expires_at: Date | null }[] =
      await this.sql.query(
        `SELECT sku, quantity, received_at, expires_at FROM an_stock_batches
          WHERE sku = ANY($1::text[]) AND quantity > 0 ORDER BY sku, warehouse, batch`,
        [skus],
      );
    const bySku = new Map<string, { quantity: number; receivedAt: Date | null; expiresAt: Date | null }[]>();
    for (const r of rows) {
      const list = bySku.get(r.sku) ?? [];
      list.push({ quantity: r.quantity, receivedAt: r.received_at, expiresAt: r.expires_at });
      bySku.set(r.sku, list);
    }
    return bySku;
  }

  /**
   * Per SKU with stock facts (in `category` when given): sell-through over (at - days, at] and units
   * on hand by age since receipt at `at`; per category the same over the summed units.
   */
  async health(options: { at: Date; days: number; category?: string | null }): Promise<StockHealthView> {
    const category = options.category ?? null;
    const items = await this.items(category);
    const skus = items.map((i) => i.sku);
    const shippedRows: { sku: string; units: number }[] = await this.sql.query(
      `SELECT sku, sum(units)::int AS units FROM an_stock_sales
        WHERE sku = ANY($1::text[]) AND occurred_at > $2 AND occurred_at <= $3 GROUP BY sku`,
      [skus, new Date(options.at.getTime() - options.days * DAY_MS), options.at],
    );
    const shipped = new Map(shippedRows.map((r) => [r.sku, r.units]));
    const batches = await this.batches(skus);

    const rows: StockHealthSkuView[] = items.map((i) => ({
      sku: i.sku,
      productId: i.product_id,
      title: i.title,
      categoryId: i.category_id,
      onHand: i.on_hand,
      available: i.available,
      sellThrough: sellThrough({
        shipped: shipped.get(i.sku) ?? 0,
        reserved: i.on_hand - i.available,
        onHand: i.on_hand,
      }),
      stockAge: stockAge(batches.get(i.sku) ?? [], i.on_hand, options.at),
    }));

    const groups = new Map<string | null, StockHealthSkuView[]>();
    for (const row of rows) groups.set(row.categoryId, [...(groups.get(row.categoryId) ?? []), row]);
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
    const items = await this.items(null);
    const batches = await this.batches(items.map((i) => i.sku));
    const skus: ValueAtRiskSkuView[] = [];
    for (const i of items) {
      const expiring = expiringUnits(batches.get(i.sku) ?? [], options.at, options.withinDays);
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
        map.set(k, { key: key(s), members: [...(map.get(k)?.members ?? []), s] });
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
