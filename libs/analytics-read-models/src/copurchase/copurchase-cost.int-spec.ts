import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { ANALYTICS_MIGRATIONS } from '../index';
import { syncCopurchase } from './copurchase-sync';
import { CopurchaseQueries } from './copurchase.queries';

const ORDERS_PER_SIZE = 300;
const CATALOG = 2000;

/**
 * The cost of the co-purchase maintenance per paid order, by number of distinct SKUs (1..10): each
 * order's lines and payment are in the tables, then syncCopurchase runs for it alone in its own
 * transaction (the worst case: a batch of one paid order; a batch of many shares the statements).
 * Prints the median and p95 per size; asserts only that the counts are right and the cost bounded.
 */
describe('co-purchase maintenance cost per paid order', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('copurchase_cost');
    dataSource = await createTestDataSource(db.url, ANALYTICS_MIGRATIONS);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('measures 1..10 SKUs per order', async () => {
    // A deterministic spread of SKUs over the catalog (a linear congruential sequence).
    let seed = 12345;
    const nextSku = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return `SKU-${seed % CATALOG}`;
    };
    const report: string[] = [];
    let pairsExpected = 0;
    for (let k = 1; k <= 10; k++) {
      const ids: string[] = [];
      for (let i = 0; i < ORDERS_PER_SIZE; i++) {
        const skus = new Set<string>();
        while (skus.size < k) skus.add(nextSku());
        pairsExpected += (k * (k - 1)) / 2;
        const id = `o${k}-${i}`;
        ids.push(id);
        await dataSource.query(
          `INSERT INTO an_order_lines (order_id, line_no, sku, quantity, unit_price, line_total)
           SELECT $1, n, sku, 1, 1000, 1000 FROM unnest($2::text[]) WITH ORDINALITY AS l(sku, n)`,
          [id, [...skus]],
        );
        await dataSource.query(
          `INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount,
                                       currency, method, payment_id)
           VALUES ($1, gen_random_uuid(), 'm', 'v', NULL, now(), '2026-03-01', $2, 'CNY', 'card', $1)`,
          [id, k * 1000],
        );
      }
      const ms: number[] = [];
      for (const id of ids) {
        const start = process.hrtime.bigint();
        await dataSource.transaction((tx) => syncCopurchase(tx, [id]));
        ms.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      ms.sort((a, b) => a - b);
      const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(2);
      report.push(`${k} SKUs (${(k * (k - 1)) / 2} pairs): median ${at(0.5)} ms, p95 ${at(0.95)} ms`);
      expect(Number(at(0.5))).toBeLessThan(1000);
    }
    const [{ n }] = await dataSource.query(
      `SELECT coalesce(sum(orders), 0)::int AS n FROM an_copurchase_pairs`,
    );
    expect(n).toBe(pairsExpected);
    console.log(`co-purchase sync per paid order (own transaction):\n${report.join('\n')}`);
  }, 300_000);

  it('measures a batch of 100 orders of 5 SKUs synced at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const id = `batch-${i}`;
      ids.push(id);
      await dataSource.query(
        `INSERT INTO an_order_lines (order_id, line_no, sku, quantity, unit_price, line_total)
         SELECT $1, n, 'B-' || ((n * 37 + $2 * 11) % 500), 1, 1000, 1000 FROM generate_series(1, 5) AS n`,
        [id, i],
      );
      await dataSource.query(
        `INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount,
                                     currency, method, payment_id)
         VALUES ($1, gen_random_uuid(), 'm', 'v', NULL, now(), '2026-03-01', 5000, 'CNY', 'card', $1)`,
        [id],
      );
    }
    const start = process.hrtime.bigint();
    const result = await dataSource.transaction((tx) => syncCopurchase(tx, ids));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(result).toEqual({ added: 100, removed: 0 });
    console.log(
      `co-purchase sync, one batch of 100 orders x 5 SKUs: ${ms.toFixed(1)} ms, ${(ms / 100).toFixed(2)} ms per order`,
    );
  }, 120_000);

  it('measures the answers over 1,000,000 pairs of 20,000 SKUs', async () => {
    await dataSource.query(`TRUNCATE an_copurchase_pairs, an_copurchase_skus, an_copurchase_totals`);
    await dataSource.query(`INSERT INTO an_copurchase_totals (id, orders) VALUES (1, 5000000)`);
    await dataSource.query(
      `INSERT INTO an_copurchase_skus (sku, orders) SELECT 'K' || lpad(n::text, 5, '0'), 1000 + n % 5000
         FROM generate_series(0, 19999) AS n`,
    );
    // 50 partners per SKU: K_i with K_{i+1..i+50} (mod 20000, kept as sku_a < sku_b), 1..40 orders.
    await dataSource.query(
      `INSERT INTO an_copurchase_pairs (sku_a, sku_b, orders)
       SELECT least(a, b), greatest(a, b), 1 + (i * 7 + d) % 40
         FROM generate_series(0, 19999) AS i, generate_series(1, 50) AS d,
              LATERAL (SELECT 'K' || lpad(i::text, 5, '0') AS a, 'K' || lpad(((i + d) % 20000)::text, 5, '0') AS b) k
       ON CONFLICT DO NOTHING`,
    );
    await dataSource.query(`ANALYZE an_copurchase_pairs; ANALYZE an_copurchase_skus`);
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM an_copurchase_pairs`);
    expect(n).toBe(1_000_000);
    const queries = new CopurchaseQueries(dataSource);
    const time = async (work: () => Promise<unknown>) => {
      const runs: number[] = [];
      for (let r = 0; r < 5; r++) {
        const start = process.hrtime.bigint();
        await work();
        runs.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      return runs.sort((a, b) => a - b)[2].toFixed(1);
    };
    const partners = await time(() => queries.partners('K10000', { limit: 10, minSupportOrders: 2 }));
    const pairs = await time(() => queries.pairs({ limit: 10, minSupportOrders: 2 }));
    expect((await queries.partners('K10000', { limit: 10, minSupportOrders: 2 })).partners).toHaveLength(10);
    console.log(
      `co-purchase answers over 1,000,000 pairs (median of 5): one SKU's partners ${partners} ms, top pairs ${pairs} ms`,
    );
  }, 300_000);
});
