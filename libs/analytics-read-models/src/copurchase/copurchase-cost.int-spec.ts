import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { ANALYTICS_MIGRATIONS } from '../index';
import { syncCopurchase } from './copurchase-sync';

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
});
