import { stockWarningAggregateId, Topics } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import { startTestService, TestService, TopicProbe } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';

/** Operators clear stock warnings that should not be there (issue 12, item 8). */
describe('DELETE /v1/analytics/stock-warnings/:sku/:type (HTTP, PostgreSQL, Kafka)', () => {
  let service: TestService;
  let alerts: TopicProbe;
  let operator: string;
  let customer: string;
  let dataSource: DataSource;

  const clear = (path: string, token = operator) =>
    service.http(`/v1/analytics/stock-warnings/${path}`, { method: 'DELETE', token });

  const seedWarning = async (sku: string, type: string, warehouse: string | null, available = 0) => {
    await dataSource.query(`INSERT INTO an_stock_items (sku) VALUES ($1) ON CONFLICT DO NOTHING`, [sku]);
    await dataSource.query(
      `INSERT INTO an_stock_warnings (type, sku, warehouse_key, warehouse, available, safety_stock, since)
       VALUES ($1, $2, $3, $4, $5, 5, now())`,
      [type, sku, warehouse ?? '*', warehouse, available],
    );
  };

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.analytics);
    dataSource = service.app.get(DataSource);
    alerts = await TopicProbe.start(service.topicPrefix, [Topics.analyticsAlerts]);
    operator = await service.tokens.bearer('op-1', 'operator');
    customer = await service.tokens.bearer('cust-1', 'customer');
  });

  afterAll(async () => {
    await alerts?.stop();
    await service?.close();
  });

  it('clears an active warning: marked dismissed, StockWarningCleared on analytics.alerts; again is 404', async () => {
    await seedWarning('__proto__', 'OUT_OF_STOCK', null);
    expect((await clear('__proto__/OUT_OF_STOCK', customer)).status).toBe(403);

    const response = await clear('__proto__/OUT_OF_STOCK');
    expect(response.status).toBe(204);

    const [row] = await dataSource.query(
      `SELECT details FROM an_stock_warnings WHERE sku = '__proto__' AND type = 'OUT_OF_STOCK'`,
    );
    expect(row.details).toMatchObject({ dismissedBy: 'op-1', dismissedAt: expect.any(String) });
    const published = await alerts.waitForEvents((all) => all.some((e) => e.type === 'StockWarningCleared'));
    const cleared = published.find((e) => e.type === 'StockWarningCleared')!;
    expect(cleared.aggregateId).toBe(stockWarningAggregateId('OUT_OF_STOCK', '__proto__', null));
    expect(cleared.data).toMatchObject({
      sku: '__proto__',
      warehouse: null,
      type: 'OUT_OF_STOCK',
      available: 0,
    });

    const again = await clear('__proto__/OUT_OF_STOCK');
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ statusCode: 404, code: 'STOCK_WARNING_NOT_FOUND' });
  });

  it('clears a per-warehouse warning named by ?warehouse=', async () => {
    await seedWarning('MILK', 'NEAR_EXPIRY', 'SH-01', 4);
    expect((await clear('MILK/NEAR_EXPIRY')).status).toBe(404);
    expect((await clear('MILK/NEAR_EXPIRY?warehouse=SH-01')).status).toBe(204);
    const events: { data: { warehouse: string; available: number } }[] = await dataSource.query(
      `SELECT data FROM es_events WHERE aggregate_id = $1`,
      [stockWarningAggregateId('NEAR_EXPIRY', 'MILK', 'SH-01')],
    );
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ warehouse: 'SH-01', available: 4 }),
    ]);
  });

  it('answers 400 naming the field for an unknown type or a malformed SKU, 404 for no such warning', async () => {
    const badType = await clear('MILK/NOT_A_TYPE');
    expect(badType.status).toBe(400);
    expect(JSON.stringify(badType.body)).toContain('type must be one of');
    const nul = await clear('a%01b/OUT_OF_STOCK');
    expect(nul.status).toBe(400);
    expect(JSON.stringify(nul.body)).toContain('sku');
    expect((await clear(`${'A'.repeat(65)}/OUT_OF_STOCK`)).status).toBe(400);
    expect((await clear('NEVER-WARNED/OUT_OF_STOCK')).status).toBe(404);
    expect((await clear('MILK/OUT_OF_STOCK?other=1')).status).toBe(400);
  });
});
