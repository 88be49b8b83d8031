import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { ANALYTICS_MIGRATIONS } from '../index';
import { CopurchaseTotalShards1765850000000 } from './1765850000000-copurchase-total-shards';

/** The migration that shards the co-purchase order count, over counts written before it. */
describe('migration 1765850000000: co-purchase total in shards', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const before = ANALYTICS_MIGRATIONS.filter((m) => m !== CopurchaseTotalShards1765850000000);

  beforeAll(async () => {
    db = await createTestDatabase('copurchase_shards');
    dataSource = await createTestDataSource(db.url, before);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const shards = () => dataSource.query(`SELECT id, orders FROM an_copurchase_totals ORDER BY id`);

  it('spreads the one row over the shards of the counted orders, and puts it back on down', async () => {
    await dataSource.query(
      `INSERT INTO an_copurchase_orders (order_id, skus) SELECT 'o' || i, ARRAY['A', 'B'] FROM generate_series(1, 40) i`,
    );
    await dataSource.query(`INSERT INTO an_copurchase_totals (id, orders) VALUES (1, 40)`);
    const runner = dataSource.createQueryRunner();
    try {
      await new CopurchaseTotalShards1765850000000().up(runner);
      const spread: { id: number; orders: number }[] = await shards();
      expect(spread.length).toBeGreaterThan(1);
      expect(spread.reduce((n, s) => n + s.orders, 0)).toBe(40);
      expect(spread.every((s) => s.id >= 0 && s.id < 16 && s.orders > 0)).toBe(true);
      // Each order in the shard the projector's sync writes it to.
      expect(
        await dataSource.query(
          `SELECT hashtext(order_id) & 15 AS id, count(*)::int AS orders FROM an_copurchase_orders GROUP BY 1 ORDER BY 1`,
        ),
      ).toEqual(spread);
      await expect(
        dataSource.query(`INSERT INTO an_copurchase_totals (id, orders) VALUES (16, 1)`),
      ).rejects.toThrow(/an_copurchase_totals_shard/);

      await new CopurchaseTotalShards1765850000000().down(runner);
      expect(await shards()).toEqual([{ id: 1, orders: 40 }]);
    } finally {
      await runner.release();
    }
  });
});
