import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { ANALYTICS_MIGRATIONS } from '../index';
import { truncateReadModels } from '../read-model-tables';
import { syncCopurchase } from './copurchase-sync';
import { countBaskets, pairKey } from './copurchase.domain';
import { CopurchaseQueries } from './copurchase.queries';

type Sql = Pick<DataSource, 'query'>;

/**
 * The co-purchase counts kept by syncCopurchase from the order facts, and the answers read from them,
 * against a real database, on the golden baskets of copurchase.domain.spec.ts:
 *   o1 {A,B,C}  o2 {A,B}  o3 {A,C}  o4 {B,D}  o5 {A,B,D}
 * N = 5; A 4, B 4, C 2, D 2; AB 3, AC 2, AD 1, BC 1, BD 2.
 */
describe('co-purchase counts and queries', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let queries: CopurchaseQueries;

  beforeAll(async () => {
    db = await createTestDatabase('copurchase');
    dataSource = await createTestDataSource(db.url, ANALYTICS_MIGRATIONS);
    queries = new CopurchaseQueries(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });
  beforeEach(() => truncateReadModels(dataSource));

  /** Order lines as the fact writer stores them (OrderPlaced or OrderImported). */
  const place = (sql: Sql, orderId: string, skus: string[]) =>
    sql.query(
      `INSERT INTO an_order_lines (order_id, line_no, sku, quantity, unit_price, line_total)
       SELECT $1, n, sku, 1, 1000, 1000 FROM unnest($2::text[]) WITH ORDINALITY AS l(sku, n)`,
      [orderId, skus],
    );
  const pay = (sql: Sql, orderId: string, amount = 3000) =>
    sql.query(
      `INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency,
                                   method, payment_id)
       VALUES ($1, gen_random_uuid(), 'm1', 'v1', NULL, now(), '2026-03-01', $2, 'CNY', 'card', $1)`,
      [orderId, amount],
    );
  let refunds = 0;
  const refund = (sql: Sql, orderId: string, amount: number) =>
    sql.query(
      `INSERT INTO an_refunds (refund_id, event_id, order_id, member_id, return_id, amount, currency, cause, issued_at, day)
       VALUES ($1, gen_random_uuid(), $2, 'm1', NULL, $3, 'CNY', 'CANCELLATION', now(), '2026-03-02')`,
      [`rf-${++refunds}`, orderId, amount],
    );
  const sync = (...ids: string[]) => syncCopurchase(dataSource, ids);
  const GOLDEN: Record<string, string[]> = {
    o1: ['A', 'B', 'C'],
    o2: ['B', 'A'],
    o3: ['C', 'A', 'C'], // C on two lines: counted once
    o4: ['D', 'B'],
    o5: ['A', 'D', 'B'],
  };
  async function golden(): Promise<void> {
    for (const [id, skus] of Object.entries(GOLDEN)) {
      await place(dataSource, id, skus);
      await pay(dataSource, id);
    }
    expect(await sync(...Object.keys(GOLDEN))).toEqual({ added: 5, removed: 0 });
  }
  const tables = async () => ({
    // The count is kept in shards (rows by a hash of the order id): their sum, and none left at 0.
    total: (
      await dataSource.query(
        `SELECT coalesce(sum(orders), 0)::int AS orders, count(*) FILTER (WHERE orders <= 0)::int AS "emptyShards"
           FROM an_copurchase_totals`,
      )
    )[0],
    skus: await dataSource.query(`SELECT sku, orders FROM an_copurchase_skus ORDER BY sku`),
    pairs: await dataSource.query(
      `SELECT sku_a || sku_b AS pair, orders FROM an_copurchase_pairs ORDER BY sku_a, sku_b`,
    ),
  });
  const GOLDEN_TABLES = {
    total: { orders: 5, emptyShards: 0 },
    skus: [
      { sku: 'A', orders: 4 },
      { sku: 'B', orders: 4 },
      { sku: 'C', orders: 2 },
      { sku: 'D', orders: 2 },
    ],
    pairs: [
      { pair: 'AB', orders: 3 },
      { pair: 'AC', orders: 2 },
      { pair: 'AD', orders: 1 },
      { pair: 'BC', orders: 1 },
      { pair: 'BD', orders: 2 },
    ],
  };

  it('counts the golden paid orders as computed by hand, once however often synced', async () => {
    await golden();
    expect(await tables()).toEqual(GOLDEN_TABLES);
    expect(await sync('o1', 'o2', 'o3', 'o4', 'o5', 'o1')).toEqual({ added: 0, removed: 0 });
    expect(await tables()).toEqual(GOLDEN_TABLES);
    // The counts are the domain's for the same baskets.
    const counts = countBaskets(Object.values(GOLDEN));
    expect(Object.fromEntries(counts.pairs)).toEqual(
      Object.fromEntries(
        GOLDEN_TABLES.pairs.map((p) => [pairKey({ skuA: p.pair[0], skuB: p.pair[1] }), p.orders]),
      ),
    );
  });

  it('counts an order only once paid and with its lines, whichever came first; never one refunded in full', async () => {
    await pay(dataSource, 'paid-first');
    expect(await sync('paid-first')).toEqual({ added: 0, removed: 0 });
    await place(dataSource, 'placed-first', ['A', 'B']);
    expect(await sync('placed-first')).toEqual({ added: 0, removed: 0 });
    expect((await tables()).total).toEqual({ orders: 0, emptyShards: 0 });
    await place(dataSource, 'paid-first', ['A', 'B']);
    await pay(dataSource, 'placed-first');
    expect(await sync('paid-first', 'placed-first')).toEqual({ added: 2, removed: 0 });
    // Refunded in full before its payment arrived: never counted.
    await place(dataSource, 'refunded', ['A', 'B']);
    await refund(dataSource, 'refunded', 3000);
    await pay(dataSource, 'refunded', 3000);
    expect(await sync('refunded')).toEqual({ added: 0, removed: 0 });
    expect(await tables()).toEqual({
      total: { orders: 2, emptyShards: 0 },
      skus: [
        { sku: 'A', orders: 2 },
        { sku: 'B', orders: 2 },
      ],
      pairs: [{ pair: 'AB', orders: 2 }],
    });
  });

  it('takes an order refunded in full away once, keeps one refunded in part, and deletes rows at 0', async () => {
    await golden();
    await place(dataSource, 'o6', ['C', 'D', 'E']);
    await pay(dataSource, 'o6', 5000);
    await sync('o6');
    expect((await tables()).pairs).toContainEqual({ pair: 'CD', orders: 1 });
    // Part refunded: still counted, with every SKU.
    await refund(dataSource, 'o6', 2000);
    expect(await sync('o6')).toEqual({ added: 0, removed: 0 });
    expect((await tables()).total).toEqual({ orders: 6, emptyShards: 0 });
    // The rest refunded: 5000 of 5000, taken away once; the tables are the golden ones again (no CD, no E rows).
    await refund(dataSource, 'o6', 3000);
    expect(await sync('o6')).toEqual({ added: 0, removed: 1 });
    expect(await sync('o6')).toEqual({ added: 0, removed: 0 });
    expect(await tables()).toEqual(GOLDEN_TABLES);
  });

  it("answers a SKU's partners by lift with hand-computed support, confidence and lift", async () => {
    await golden();
    const a = await queries.partners('A', { limit: 10, minSupportOrders: 1 });
    expect(a).toEqual({
      sku: 'A',
      orders: 4,
      countedOrders: 5,
      minSupportOrders: 1,
      partners: [
        // A->C: 2 of A's 4 orders; lift 2 x 5 / (4 x 2) = 1.25.
        { sku: 'C', orders: 2, partnerOrders: 2, support: 0.4, confidence: 0.5, lift: 1.25 },
        // A->B: 3 of 4; lift 3 x 5 / (4 x 4) = 0.9375.
        { sku: 'B', orders: 3, partnerOrders: 4, support: 0.6, confidence: 0.75, lift: 0.9375 },
        // A->D: 1 of 4; lift 5 / 8.
        { sku: 'D', orders: 1, partnerOrders: 2, support: 0.2, confidence: 0.25, lift: 0.625 },
      ],
    });
    // D is A's partner through the pair (A, D) read from its sku_b side: D->A 1 of D's 2.
    const d = await queries.partners('D', { limit: 10, minSupportOrders: 1 });
    expect(d.partners.map((p) => [p.sku, p.confidence, p.lift])).toEqual([
      ['B', 1, 1.25],
      ['A', 0.5, 0.625],
    ]);
    // Minimum support count 2: AD (1 order) goes; limit 1 keeps the best.
    expect(
      (await queries.partners('A', { limit: 10, minSupportOrders: 2 })).partners.map((p) => p.sku),
    ).toEqual(['C', 'B']);
    expect(
      (await queries.partners('A', { limit: 1, minSupportOrders: 1 })).partners.map((p) => p.sku),
    ).toEqual(['C']);
    // A SKU in no counted order: no partners.
    expect(await queries.partners('NOPE', { limit: 10, minSupportOrders: 1 })).toEqual({
      sku: 'NOPE',
      orders: 0,
      countedOrders: 5,
      minSupportOrders: 1,
      partners: [],
    });
  });

  it('answers the top pairs overall by lift, ties by orders then SKUs', async () => {
    await golden();
    const all = await queries.pairs({ limit: 10, minSupportOrders: 1 });
    expect(all.countedOrders).toBe(5);
    expect(all.pairs.map((p) => [p.skuA + p.skuB, p.orders, p.lift])).toEqual([
      ['AC', 2, 1.25],
      ['BD', 2, 1.25],
      ['AB', 3, 0.9375],
      ['AD', 1, 0.625],
      ['BC', 1, 0.625],
    ]);
    expect(all.pairs[0]).toEqual({
      skuA: 'A',
      skuB: 'C',
      orders: 2,
      ordersA: 4,
      ordersB: 2,
      support: 0.4,
      confidenceAB: 0.5,
      confidenceBA: 1,
      lift: 1.25,
    });
    const top = await queries.pairs({ limit: 2, minSupportOrders: 3 });
    expect(top.pairs.map((p) => p.skuA + p.skuB)).toEqual(['AB']);
    expect((await queries.pairs({ limit: 2, minSupportOrders: 1 })).pairs).toHaveLength(2);
  });

  it('two transactions counting orders with the same SKUs both land (no lost update, no deadlock)', async () => {
    for (let i = 0; i < 20; i++) {
      await place(dataSource, `c${i}`, i % 2 ? ['A', 'B', 'C'] : ['C', 'B', 'A']);
      await pay(dataSource, `c${i}`);
    }
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    // Each transaction syncs its ten orders one by one, in opposite orders.
    await Promise.all([
      dataSource.transaction(async (tx) => {
        for (const id of ids.slice(0, 10)) await syncCopurchase(tx, [id]);
      }),
      dataSource.transaction(async (tx) => {
        for (const id of ids.slice(10).reverse()) await syncCopurchase(tx, [id]);
      }),
    ]);
    expect(await tables()).toEqual({
      total: { orders: 20, emptyShards: 0 },
      skus: ['A', 'B', 'C'].map((sku) => ({ sku, orders: 20 })),
      pairs: ['AB', 'AC', 'BC'].map((pair) => ({ pair, orders: 20 })),
    });
  });
});
