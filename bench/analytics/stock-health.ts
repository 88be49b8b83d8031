/**
 * Stock health benchmark: BENCH_SKUS SKUs (default 20,000) in 200 categories, each with 4 batches in
 * 2 warehouses (receipts over the last 200 days, expiries over the next 90) and a shipment every 3 days
 * over 90 days, written straight into the stock read models of a fresh analytics database; then
 * GET /stock/health's query (every SKU, and one category) and /stock/value-at-risk's, p50/p99 over
 * BENCH_RUNS runs.
 *
 *   node -r @swc-node/register bench/analytics/stock-health.ts
 */
import './quiet';
import 'reflect-metadata';
import { StockHealthQueries } from '@ecom/analytics-read-models';
import { withAnalyticsDatabase } from './analytics-database';
import { log, timeQuery } from './query-timing';

const SKUS = Number(process.env.BENCH_SKUS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const AT = new Date('2026-03-10T04:00:00.000Z');

async function main(): Promise<void> {
  await withAnalyticsDatabase('stock_health', async (sql) => {
    const started = Date.now();
    await sql.query(
      `INSERT INTO an_products (product_id, title, category_id)
       SELECT 'P' || p, 'Product ' || p, 'cat-' || (p % 200) FROM generate_series(1, $1::int / 4) p`,
      [SKUS],
    );
    await sql.query(
      `INSERT INTO an_skus (sku, product_id, price, cost, currency)
       SELECT 'S' || s, 'P' || (1 + (s - 1) / 4), 1000 + s % 5000, CASE WHEN s % 10 = 0 THEN NULL ELSE 400 + s % 2000 END, 'CNY'
         FROM generate_series(1, $1::int) s`,
      [SKUS],
    );
    await sql.query(
      `INSERT INTO an_stock_batches (sku, warehouse, batch, expires_at, quantity, received_at)
       SELECT 'S' || s, 'WH' || (b % 2), 'B' || b, $2::timestamptz + (random() * 90) * interval '1 day',
              (random() * 100)::int, $2::timestamptz - (random() * 200) * interval '1 day'
         FROM generate_series(1, $1::int) s, generate_series(1, 4) b`,
      [SKUS, AT],
    );
    await sql.query(
      `INSERT INTO an_stock_items (sku, on_hand, reserved, available)
       SELECT sku, sum(quantity), least(sum(quantity), 3), sum(quantity) - least(sum(quantity), 3)
         FROM an_stock_batches GROUP BY sku`,
    );
    await sql.query(
      `INSERT INTO an_stock_sales (event_id, sku, warehouse, occurred_at, units)
       SELECT gen_random_uuid(), 'S' || s, 'WH0', $2::timestamptz - d * interval '1 day', 1 + (random() * 5)::int
         FROM generate_series(1, $1::int) s, generate_series(0, 89, 3) d`,
      [SKUS, AT],
    );
    await sql.query(`ANALYZE`);
    const [{ batches, sales }] = await sql.query(
      `SELECT (SELECT count(*) FROM an_stock_batches)::int AS batches, (SELECT count(*) FROM an_stock_sales)::int AS sales`,
    );
    console.log(
      `facts: ${SKUS} SKUs, ${batches} batches, ${sales} shipments in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const queries = new StockHealthQueries(sql);
    log('timing');
    await timeQuery('health, every SKU, 30 days', RUNS, () => queries.health({ at: AT, days: 30 }));
    await timeQuery('health, one category, 30 days', RUNS, () =>
      queries.health({ at: AT, days: 30, category: 'cat-7' }),
    );
    await timeQuery('value at risk, every SKU, 30 days', RUNS, () =>
      queries.valueAtRisk({ at: AT, withinDays: 30 }),
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
