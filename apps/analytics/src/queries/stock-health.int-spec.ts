import { TestService } from '@ecom/testing';
import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { cst, NOW, operatorOnly, refusedNaming, startQueryApi } from '../test/query-api';

/**
 * GET /v1/analytics/stock/health and /stock/value-at-risk over the HTTP API: figures over stock facts
 * as the projector writes them, worked out by hand; operator only; every bad parameter a 400 naming it.
 * (The figures from events, in any delivery order and after a rebuild: the projector's stock-health
 * int-spec.)
 */
describe('stock health API (analytics)', () => {
  let service: TestService;
  let db: DataSource;
  let operator: string;

  beforeAll(async () => {
    service = await startQueryApi();
    db = service.app.get(DataSource);
    operator = await service.tokens.bearer('op-1', 'operator');
    await db.query(
      `INSERT INTO an_products (product_id, title, category_id) VALUES ('P-A', 'Yoghurt', 'dairy'), ('P-B', 'Vase', 'home')`,
    );
    await db.query(
      `INSERT INTO an_skus (sku, product_id, price, cost, currency) VALUES
         ('YOG', 'P-A', 800, 300, 'CNY'), ('VASE', 'P-B', 5000, NULL, 'CNY')`,
    );
    await db.query(
      `INSERT INTO an_stock_items (sku, on_hand, reserved, available) VALUES ('YOG', 40, 10, 30), ('VASE', 9, 0, 9)`,
    );
    // YOG: Y-1 30 units received 03-01 09:00 (9 days old) expiring 03-20; Y-2 10 units received
    // 01-01 09:00 (68 days old) expiring 03-12. VASE: V-1 9 units received 2025-10-01 (160 days), no expiry.
    await db.query(
      `INSERT INTO an_stock_batches (sku, warehouse, batch, expires_at, quantity, received_at) VALUES
         ('YOG', 'WH1', 'Y-1', $1, 30, $2), ('YOG', 'WH1', 'Y-2', $3, 10, $4), ('VASE', 'WH1', 'V-1', NULL, 9, $5)`,
      [
        cst('2026-03-20 00:00'),
        cst('2026-03-01 09:00'),
        cst('2026-03-12 00:00'),
        cst('2026-01-01 09:00'),
        cst('2025-10-01 09:00'),
      ],
    );
    // YOG shipped 20 on 03-05 and 7 on 02-01 (outside 30 days, inside 60).
    await db.query(
      `INSERT INTO an_stock_sales (event_id, sku, warehouse, occurred_at, units) VALUES
         ($1, 'YOG', 'WH1', $2, 20), ($3, 'YOG', 'WH1', $4, 7)`,
      [randomUUID(), cst('2026-03-05 10:00'), randomUUID(), cst('2026-02-01 10:00')],
    );
  });

  afterAll(() => service?.close());

  const get = (path: string, token: string | undefined = operator) => service.http(path, { token });

  it('answers sell-through and stock age per SKU and per category', async () => {
    const res = await get('/v1/analytics/stock/health');
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(NOW);
    expect(res.body.days).toBe(30);
    // YOG: (20 + 10) / (20 + 40) = 0.5; age (30 x 9 + 10 x 68) / 40 = 950 / 40 = 23.75.
    const yog = res.body.skus.find((s: { sku: string }) => s.sku === 'YOG');
    expect(yog).toEqual({
      sku: 'YOG',
      productId: 'P-A',
      title: 'Yoghurt',
      categoryId: 'dairy',
      onHand: 40,
      available: 30,
      sellThrough: { shipped: 20, reserved: 10, onHand: 40, sold: 30, base: 60, rate: 0.5 },
      stockAge: {
        bands: { days0To30: 30, days31To60: 0, days61To90: 10, over90Days: 0 },
        agedUnits: 40,
        unknownAgeUnits: 0,
        unitAgeDays: 950,
        averageAgeDays: 23.75,
      },
    });
    expect(res.body.categories.map((c: { categoryId: string }) => c.categoryId)).toEqual(['dairy', 'home']);
    // VASE: nothing sold of 9; 160 days old.
    expect(res.body.categories[1]).toMatchObject({
      skus: 1,
      sellThrough: { sold: 0, base: 9, rate: 0 },
      stockAge: { bands: { over90Days: 9 }, averageAgeDays: 160 },
    });

    // 60 days, dairy only: the 7 of 02-01 count: (27 + 10) / (27 + 40) = 37 / 67 = 0.5522.
    const dairy = await get('/v1/analytics/stock/health?days=60&category=dairy');
    expect(dairy.status).toBe(200);
    expect(dairy.body.skus.map((s: { sku: string }) => s.sku)).toEqual(['YOG']);
    expect(dairy.body.categories[0].sellThrough).toEqual({
      shipped: 27,
      reserved: 10,
      onHand: 40,
      sold: 37,
      base: 67,
      rate: 0.5522,
    });
  });

  it('answers the value at risk at cost, within the NEAR_EXPIRY horizon by default', async () => {
    const res = await get('/v1/analytics/stock/value-at-risk');
    expect(res.status).toBe(200);
    // Both YOG batches expire by 04-09 12:00: 40 x 300 = 12000 at cost, 40 x 800 = 32000 at price.
    expect(res.body).toEqual({
      asOf: NOW,
      withinDays: 30,
      horizon: cst('2026-04-09 12:00'),
      skus: [
        {
          sku: 'YOG',
          productId: 'P-A',
          title: 'Yoghurt',
          categoryId: 'dairy',
          currency: 'CNY',
          units: 40,
          expiredUnits: 0,
          earliestExpiry: cst('2026-03-12 00:00'),
          unitCost: 300,
          unitPrice: 800,
          costValue: 12000,
          retailValue: 32000,
        },
      ],
      categories: [
        {
          categoryId: 'dairy',
          currency: 'CNY',
          skus: 1,
          units: 40,
          expiredUnits: 0,
          costValue: 12000,
          unitsWithoutCost: 0,
          retailValue: 32000,
          unitsWithoutPrice: 0,
        },
      ],
      totals: [
        {
          currency: 'CNY',
          skus: 1,
          units: 40,
          expiredUnits: 0,
          costValue: 12000,
          unitsWithoutCost: 0,
          retailValue: 32000,
          unitsWithoutPrice: 0,
        },
      ],
    });
    // Within 5 days (by 03-15 12:00): only Y-2 (03-12), 10 x 300.
    const soon = await get('/v1/analytics/stock/value-at-risk?withinDays=5');
    expect(soon.body.skus.map((s: { units: number; costValue: number }) => [s.units, s.costValue])).toEqual([
      [10, 3000],
    ]);
    expect(soon.body.totals[0]).toMatchObject({ units: 10, costValue: 3000 });
  });

  it.each([
    ['/v1/analytics/stock/health?days=0', 'days'],
    ['/v1/analytics/stock/health?days=367', 'days'],
    ['/v1/analytics/stock/health?days=1.5', 'days'],
    ['/v1/analytics/stock/health?days=abc', 'days'],
    ['/v1/analytics/stock/health?category=', 'category'],
    ['/v1/analytics/stock/health?category=' + 'c'.repeat(65), 'category'],
    ['/v1/analytics/stock/health?sku=YOG', 'sku'],
    ['/v1/analytics/stock/value-at-risk?withinDays=-1', 'withinDays'],
    ['/v1/analytics/stock/value-at-risk?withinDays=3651', 'withinDays'],
    ['/v1/analytics/stock/value-at-risk?withinDays=x', 'withinDays'],
    ['/v1/analytics/stock/value-at-risk?days=30', 'days'],
  ])('refuses %s with 400 naming %s', refusedNaming(get));

  it.each(['/v1/analytics/stock/health', '/v1/analytics/stock/value-at-risk'])(
    '%s is 401 without a token and 403 for a customer',
    operatorOnly(() => service),
  );
});
