import { SERVICES } from '@ecom/platform';
import { expectServiceBasics, startTestService, TestService } from '@ecom/testing';
import { AppModule } from './app.module';

describe('inventory app', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.inventory);
  });
  afterAll(() => service?.close());

  it('is live and ready with its database, Kafka and Redis up, and serves metrics and its OpenAPI document', async () => {
    await expectServiceBasics(service, 'inventory');
  });

  it('documents the stock policy with numbers (leadTimeDays: a nullable integer, not an object)', async () => {
    const docs = (await service.http('/docs-json')).body;
    const policy = docs.components.schemas.ChangeStockPolicyDto.properties;
    expect(policy.safetyStock.type).toBe('number');
    expect(policy.leadTimeDays).toMatchObject({ type: 'integer', nullable: true });
  });
});
