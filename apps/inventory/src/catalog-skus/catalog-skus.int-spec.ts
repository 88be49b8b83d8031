import { Topics } from '@ecom/contracts';
import type { KafkaMessageBus } from '@ecom/messaging';
import { SERVICES } from '@ecom/platform';
import { startTestService, testMessageBus, TestService, TopicProbe } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { addCatalogSkus } from '../test/catalog-events.fixture';

/** Stock policies only for SKUs the catalog created (issue 12, item 8). */
describe('inventory: stock policy of unknown SKUs (HTTP, PostgreSQL, Kafka)', () => {
  let service: TestService;
  let bus: KafkaMessageBus;
  let probe: TopicProbe;
  let operator: string;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.inventory);
    bus = testMessageBus(service.topicPrefix, 'catalog-simulator');
    probe = await TopicProbe.start(service.topicPrefix, [Topics.inventory]);
    operator = await service.tokens.bearer('op-1', 'operator');
  });

  afterAll(async () => {
    await probe?.stop();
    await bus?.close();
    await service?.close();
  });

  const putPolicy = (pathSku: string) =>
    service.http(`/v1/stock/${pathSku}/policy`, {
      method: 'PUT',
      token: operator,
      body: { safetyStock: 5, leadTimeDays: 3 },
    });

  it('answers 404 for SKUs the catalog does not know and creates no stock item', async () => {
    for (const sku of [
      'NEVER-ADDED',
      '__proto__',
      encodeURIComponent('../../../etc/passwd'),
      '%F0%9F%98%80',
    ]) {
      const response = await putPolicy(sku);
      expect({ sku, status: response.status }).toEqual({ sku, status: 404 });
      expect(response.body).toMatchObject({ statusCode: 404, code: 'SKU_NOT_FOUND' });
    }
    const dataSource = service.app.get(DataSource);
    expect(await dataSource.query(`SELECT * FROM inv_stock_items`)).toEqual([]);
    expect(await dataSource.query(`SELECT * FROM es_events WHERE type = 'StockPolicyChanged'`)).toEqual([]);
  });

  it('answers 400 naming the field for a SKU outside the contract format (too long, NUL, lone surrogate)', async () => {
    for (const sku of ['A'.repeat(65), 'a%00b', 'tab%09b']) {
      const response = await putPolicy(sku);
      expect({ sku, status: response.status }).toEqual({ sku, status: 400 });
      expect(response.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('sku') });
    }
    // A lone surrogate cannot even be decoded from the path: refused before the route.
    expect((await putPolicy('%ED%A0%80')).status).toBe(400);
    expect((await service.http('/v1/stock/a%00b', { token: operator })).status).toBe(400);
  });

  it('sets the policy of a SKU once the catalog has added it (SkuAdded on catalog.events)', async () => {
    expect((await putPolicy('TEE-RED-M')).status).toBe(404);
    await addCatalogSkus(service, bus, ['TEE-RED-M']);
    const response = await putPolicy('TEE-RED-M');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ sku: 'TEE-RED-M', safetyStock: 5, leadTimeDays: 3 });
    const events = await probe.waitForEvents((all) => all.some((e) => e.type === 'StockPolicyChanged'));
    expect(
      events.filter((e) => e.type === 'StockPolicyChanged').map((e) => (e.data as { sku: string }).sku),
    ).toEqual(['TEE-RED-M']);
  });
});
