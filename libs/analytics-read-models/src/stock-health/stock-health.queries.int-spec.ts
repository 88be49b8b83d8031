import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { randomUUID } from 'crypto';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { ANALYTICS_MIGRATIONS } from '../index';
import { truncateReadModels } from '../read-model-tables';
import {
  combinedSellThrough,
  combinedStockAge,
  expiringUnits,
  sellThrough,
  stockAge,
  totalValueAtRisk,
  valueAtRisk,
} from './stock-health.domain';
import { StockHealthQueries } from './stock-health.queries';

const DAY_MS = 86_400_000;
/** 2026-03-10 12:00 Asia/Shanghai. */
const AT = new Date('2026-03-10T04:00:00.000Z');

interface Facts {
  products: { productId: string; categoryId: string | null }[];
  skus: { sku: string; productId: string | null; cost: number | null; price: number | null }[];
  items: { sku: string; onHand: number; reserved: number }[];
  batches: {
    sku: string;
    warehouse: string;
    batch: string;
    quantity: number;
    receivedAt: Date | null;
    expiresAt: Date | null;
  }[];
  sales: { sku: string; occurredAt: Date; units: number }[];
}

/**
 * Instants around AT on whole hours, or on whole days from AT half the time: the edges of the sales
 * window and of the expiry horizon (whole days from AT) are then hit often.
 */
const instant = (min: number, max: number) =>
  fc
    .oneof(
      fc.integer({ min, max }),
      fc.integer({ min: Math.ceil(min / 24), max: Math.floor(max / 24) }).map((d) => d * 24),
    )
    .map((h) => new Date(AT.getTime() + h * 3_600_000));

const factsArbitrary: fc.Arbitrary<Facts> = fc
  .record({
    skuCount: fc.integer({ min: 1, max: 6 }),
    categories: fc.array(fc.option(fc.constantFrom('c-1', 'c-2'), { nil: null }), {
      minLength: 3,
      maxLength: 3,
    }),
  })
  .chain(({ skuCount, categories }) => {
    const skus = Array.from({ length: skuCount }, (_, i) => `S${i}`);
    const sku = fc.constantFrom(...skus);
    return fc.record({
      products: fc.constant(categories.map((categoryId, i) => ({ productId: `P${i}`, categoryId }))),
      skus: fc.tuple(
        ...skus.map((code) =>
          fc.record({
            sku: fc.constant(code),
            // P3 has no product row (catalog never described it), null: no SkuAdded at all.
            productId: fc.option(fc.constantFrom('P0', 'P1', 'P2', 'P3'), { nil: null }),
            cost: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: null }),
            price: fc.option(fc.integer({ min: 1, max: 9000 }), { nil: null }),
          }),
        ),
      ),
      items: fc.tuple(
        ...skus.map((code) =>
          fc.integer({ min: 0, max: 80 }).chain((onHand) =>
            fc.record({
              sku: fc.constant(code),
              onHand: fc.constant(onHand),
              reserved: fc.integer({ min: 0, max: onHand }),
            }),
          ),
        ),
      ),
      batches: fc.uniqueArray(
        fc.record({
          sku,
          warehouse: fc.constantFrom('WH1', 'WH2'),
          batch: fc.constantFrom('B1', 'B2', 'B3'),
          quantity: fc.integer({ min: 0, max: 40 }),
          receivedAt: fc.option(instant(-24 * 120, 24), { nil: null }),
          expiresAt: fc.option(instant(-24 * 10, 24 * 40), { nil: null }),
        }),
        { selector: (b) => `${b.sku}|${b.warehouse}|${b.batch}`, maxLength: 12 },
      ),
      sales: fc.array(
        fc.record({ sku, occurredAt: instant(-24 * 70, 24), units: fc.integer({ min: 1, max: 9 }) }),
        {
          maxLength: 15,
        },
      ),
    });
  })
  .map((f) => ({ ...f, skus: f.skus.filter((s) => s.productId !== null) }) as Facts);

async function insert(sql: DataSource, facts: Facts, order: (n: number) => number[]): Promise<void> {
  const at = (list: readonly unknown[]) => order(list.length);
  for (const i of at(facts.products)) {
    const p = facts.products[i];
    await sql.query(`INSERT INTO an_products (product_id, title, category_id) VALUES ($1, $1, $2)`, [
      p.productId,
      p.categoryId,
    ]);
  }
  for (const i of at(facts.skus)) {
    const s = facts.skus[i];
    await sql.query(
      `INSERT INTO an_skus (sku, product_id, price, cost, currency) VALUES ($1, $2, $3, $4, 'CNY')`,
      [s.sku, s.productId, s.price, s.cost],
    );
  }
  for (const i of at(facts.items)) {
    const it = facts.items[i];
    await sql.query(
      `INSERT INTO an_stock_items (sku, on_hand, reserved, available) VALUES ($1, $2, $3, $4)`,
      [it.sku, it.onHand, it.reserved, it.onHand - it.reserved],
    );
  }
  for (const i of at(facts.batches)) {
    const b = facts.batches[i];
    await sql.query(
      `INSERT INTO an_stock_batches (sku, warehouse, batch, quantity, received_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [b.sku, b.warehouse, b.batch, b.quantity, b.receivedAt, b.expiresAt],
    );
  }
  for (const i of at(facts.sales)) {
    const s = facts.sales[i];
    await sql.query(
      `INSERT INTO an_stock_sales (event_id, sku, warehouse, occurred_at, units) VALUES ($1, $2, 'WH1', $3, $4)`,
      [randomUUID(), s.sku, s.occurredAt, s.units],
    );
  }
}

/** What the definitions say, computed from the facts in memory (no SQL). */
function expectedHealth(facts: Facts, days: number, category: string | null) {
  const catalog = (code: string) => {
    const s = facts.skus.find((x) => x.sku === code);
    const p = s && facts.products.find((x) => x.productId === s.productId);
    return { s, categoryId: p?.categoryId ?? null };
  };
  const rows = facts.items
    .filter((it) => category === null || catalog(it.sku).categoryId === category)
    .sort((a, b) => (a.sku < b.sku ? -1 : 1))
    .map((it) => {
      const shipped = facts.sales
        .filter(
          (x) =>
            x.sku === it.sku &&
            x.occurredAt.getTime() > AT.getTime() - days * DAY_MS &&
            x.occurredAt.getTime() <= AT.getTime(),
        )
        .reduce((t, x) => t + x.units, 0);
      return {
        sku: it.sku,
        categoryId: catalog(it.sku).categoryId,
        sellThrough: sellThrough({ shipped, reserved: it.reserved, onHand: it.onHand }),
        stockAge: stockAge(
          facts.batches.filter((b) => b.sku === it.sku),
          it.onHand,
          AT,
        ),
      };
    });
  const keys = [...new Set(rows.map((r) => r.categoryId))].sort((a, b) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1,
  );
  return {
    skus: rows,
    categories: keys.map((k) => {
      const members = rows.filter((r) => r.categoryId === k);
      return {
        categoryId: k,
        sellThrough: combinedSellThrough(members.map((m) => m.sellThrough)),
        stockAge: combinedStockAge(members.map((m) => m.stockAge)),
      };
    }),
  };
}

function expectedRisk(facts: Facts, withinDays: number) {
  const rows = facts.items.flatMap((it) => {
    const e = expiringUnits(
      facts.batches.filter((b) => b.sku === it.sku),
      AT,
      withinDays,
    );
    if (e.units === 0) return [];
    const s = facts.skus.find((x) => x.sku === it.sku);
    return [
      {
        sku: it.sku,
        ...valueAtRisk(e.units, s?.cost ?? null, s?.price ?? null),
        expiredUnits: e.expiredUnits,
      },
    ];
  });
  return { skus: new Set(rows.map((r) => JSON.stringify(r))), total: totalValueAtRisk(rows) };
}

/**
 * The stock-health queries against a real database: what they answer equals the definitions computed
 * from the same facts in memory, for random facts written in any order; edges of the sales window
 * ((at - days, at]) and of the expiry horizon (at + withinDays, included) are hit on whole hours.
 */
describe('stock health queries', () => {
  let db: TestDatabase;
  let sql: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('stock_health_queries');
    sql = await createTestDataSource(db.url, ANALYTICS_MIGRATIONS);
  });
  afterAll(async () => {
    await sql?.destroy();
    await db?.drop();
  });

  it('counts a shipment at the window start out and one at the instant in, a batch expiring at the horizon in', async () => {
    await truncateReadModels(sql);
    await sql.query(`INSERT INTO an_stock_items (sku, on_hand, reserved, available) VALUES ('E', 10, 0, 10)`);
    await sql.query(
      `INSERT INTO an_stock_sales (event_id, sku, warehouse, occurred_at, units) VALUES
         ($1, 'E', 'WH1', $3, 1), ($2, 'E', 'WH1', $4, 2)`,
      [randomUUID(), randomUUID(), new Date(AT.getTime() - 30 * DAY_MS), AT],
    );
    await sql.query(
      `INSERT INTO an_stock_batches (sku, warehouse, batch, quantity, expires_at, received_at) VALUES
         ('E', 'WH1', 'AT-HORIZON', 4, $1, $3), ('E', 'WH1', 'AFTER', 6, $2, $3)`,
      [
        new Date(AT.getTime() + 30 * DAY_MS),
        new Date(AT.getTime() + 30 * DAY_MS + 1),
        new Date(AT.getTime() - 31 * DAY_MS),
      ],
    );
    const q = new StockHealthQueries(sql);
    const health = await q.health({ at: AT, days: 30 });
    // Only the 2 units shipped at the instant: (2 + 0) / (2 + 10).
    expect(health.skus[0].sellThrough).toMatchObject({ shipped: 2, sold: 2, base: 12, rate: 0.1667 });
    expect(health.skus[0].stockAge).toMatchObject({ bands: { days31To60: 10 }, averageAgeDays: 31 });
    const risk = await q.valueAtRisk({ at: AT, withinDays: 30 });
    expect(risk.skus.map((s) => [s.sku, s.units, s.costValue, s.currency])).toEqual([['E', 4, null, null]]);
  });

  it('answers what the definitions say, for random facts in any order', async () => {
    const q = new StockHealthQueries(sql);
    await fc.assert(
      fc.asyncProperty(
        factsArbitrary,
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 35 }),
        fc.option(fc.constantFrom('c-1', 'c-2'), { nil: null }),
        fc.boolean(),
        async (facts, days, withinDays, category, reversed) => {
          await truncateReadModels(sql);
          await insert(sql, facts, (n) => {
            const indexes = [...Array(n).keys()];
            return reversed ? indexes.reverse() : indexes;
          });
          const health = await q.health({ at: AT, days, category });
          const expected = expectedHealth(facts, days, category);
          expect(
            health.skus.map((s) => ({
              sku: s.sku,
              categoryId: s.categoryId,
              sellThrough: s.sellThrough,
              stockAge: s.stockAge,
            })),
          ).toEqual(expected.skus);
          expect(
            health.categories.map((c) => ({
              categoryId: c.categoryId,
              sellThrough: c.sellThrough,
              stockAge: c.stockAge,
            })),
          ).toEqual(expected.categories);

          const risk = await q.valueAtRisk({ at: AT, withinDays });
          const want = expectedRisk(facts, withinDays);
          expect(
            new Set(
              risk.skus.map((s) =>
                JSON.stringify({
                  sku: s.sku,
                  units: s.units,
                  costValue: s.costValue,
                  retailValue: s.retailValue,
                  expiredUnits: s.expiredUnits,
                }),
              ),
            ),
          ).toEqual(want.skus);
          const totalOf = (groups: typeof risk.totals) =>
            groups.reduce(
              (t, g) => ({
                units: t.units + g.units,
                costValue: t.costValue + g.costValue,
                unitsWithoutCost: t.unitsWithoutCost + g.unitsWithoutCost,
                retailValue: t.retailValue + g.retailValue,
                unitsWithoutPrice: t.unitsWithoutPrice + g.unitsWithoutPrice,
              }),
              { units: 0, costValue: 0, unitsWithoutCost: 0, retailValue: 0, unitsWithoutPrice: 0 },
            );
          // Totals and category rollups both add up to the definition's total.
          expect(totalOf(risk.totals)).toEqual(want.total);
          expect(totalOf(risk.categories)).toEqual(want.total);
        },
      ),
      { numRuns: 40, seed: 20260310 },
    );
  });
});
