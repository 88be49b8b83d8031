import { TestService } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { operatorOnly, startQueryApi } from '../test/query-api';

/**
 * The co-purchase routes over HTTP on counts seeded as the projector keeps them: the golden baskets
 *   o1 {A,B,C}  o2 {A,B}  o3 {A,C}  o4 {B,D}  o5 {A,B,D}
 * N = 5; A 4, B 4, C 2, D 2; AB 3, AC 2, AD 1, BC 1, BD 2. COPURCHASE_MIN_SUPPORT_ORDERS is 2 here
 * (the default), so AD and BC are never answered.
 */
describe('co-purchase API', () => {
  let service: TestService;
  let operator: string;

  beforeAll(async () => {
    // Counts written by hand do not advance the read models' version: no cache, every answer fresh.
    service = await startQueryApi({ ANALYTICS_CACHE_TTL_MS: '0', COPURCHASE_MIN_SUPPORT_ORDERS: '2' });
    operator = await service.tokens.bearer('op-1', 'operator');
    const db = service.app.get(DataSource);
    await db.query(`INSERT INTO an_copurchase_totals (id, orders) VALUES (1, 5)`);
    await db.query(
      `INSERT INTO an_copurchase_skus (sku, orders) VALUES ('A', 4), ('B', 4), ('C', 2), ('D', 2)`,
    );
    await db.query(
      `INSERT INTO an_copurchase_pairs (sku_a, sku_b, orders) VALUES
         ('A', 'B', 3), ('A', 'C', 2), ('A', 'D', 1), ('B', 'C', 1), ('B', 'D', 2)`,
    );
  });
  afterAll(() => service?.close());

  const get = (path: string, token: string | undefined = operator) => service.http(path, { token });

  it("answers a SKU's partners with at least 2 orders together, by lift, with hand-computed figures", async () => {
    const res = await get('/v1/analytics/co-purchase/A');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sku: 'A',
      orders: 4,
      countedOrders: 5,
      minSupportOrders: 2,
      partners: [
        // A->C: 2 of A's 4; lift 2 x 5 / (4 x 2) = 1.25. A->B: 3 of 4; lift 15/16. AD (1 order) left out.
        { sku: 'C', orders: 2, partnerOrders: 2, support: 0.4, confidence: 0.5, lift: 1.25 },
        { sku: 'B', orders: 3, partnerOrders: 4, support: 0.6, confidence: 0.75, lift: 0.9375 },
      ],
    });
    // From the sku_b side of a pair: D->B, both of D's orders have B.
    expect((await get('/v1/analytics/co-purchase/D')).body.partners).toEqual([
      { sku: 'B', orders: 2, partnerOrders: 4, support: 0.4, confidence: 1, lift: 1.25 },
    ]);
    expect(
      (await get('/v1/analytics/co-purchase/A?limit=1')).body.partners.map((p: { sku: string }) => p.sku),
    ).toEqual(['C']);
    expect((await get('/v1/analytics/co-purchase/NEVER-SOLD')).body).toEqual({
      sku: 'NEVER-SOLD',
      orders: 0,
      countedOrders: 5,
      minSupportOrders: 2,
      partners: [],
    });
  });

  it('answers the top pairs overall by lift: AC and BD (1.25, by SKU), then AB', async () => {
    const res = await get('/v1/analytics/co-purchase');
    expect(res.status).toBe(200);
    expect(res.body.countedOrders).toBe(5);
    expect(res.body.pairs).toEqual([
      {
        skuA: 'A',
        skuB: 'C',
        orders: 2,
        ordersA: 4,
        ordersB: 2,
        support: 0.4,
        confidenceAB: 0.5,
        confidenceBA: 1,
        lift: 1.25,
      },
      {
        skuA: 'B',
        skuB: 'D',
        orders: 2,
        ordersA: 4,
        ordersB: 2,
        support: 0.4,
        confidenceAB: 0.5,
        confidenceBA: 1,
        lift: 1.25,
      },
      {
        skuA: 'A',
        skuB: 'B',
        orders: 3,
        ordersA: 4,
        ordersB: 4,
        support: 0.6,
        confidenceAB: 0.75,
        confidenceBA: 0.75,
        lift: 0.9375,
      },
    ]);
    expect((await get('/v1/analytics/co-purchase?limit=2')).body.pairs).toHaveLength(2);
  });

  it('answers bad input with 400 naming the field, never 500', async () => {
    const cases: [string, string][] = [
      ['/v1/analytics/co-purchase?limit=0', 'limit'],
      ['/v1/analytics/co-purchase?limit=101', 'limit'],
      ['/v1/analytics/co-purchase?limit=abc', 'limit'],
      ['/v1/analytics/co-purchase?limit=1.5', 'limit'],
      ['/v1/analytics/co-purchase?minSupport=1', 'minSupport'],
      ['/v1/analytics/co-purchase/A?limit=-1', 'limit'],
      ['/v1/analytics/co-purchase/A?sort=lift', 'sort'],
      [`/v1/analytics/co-purchase/${'S'.repeat(65)}`, 'sku'],
    ];
    for (const [path, field] of cases) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect({ path, message: JSON.stringify(res.body.message) }).toEqual({
        path,
        message: expect.stringContaining(field),
      });
    }
  });

  it.each(['/v1/analytics/co-purchase', '/v1/analytics/co-purchase/A'])(
    '%s is for operators only: 401 without a token, 403 for a customer',
    operatorOnly(() => service),
  );
});
