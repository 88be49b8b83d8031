import { SERVICES } from '@ecom/platform';
import { expectServiceBasics, startTestService, TestService } from '@ecom/testing';
import { AppModule } from './app.module';

describe('orders app', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.orders);
  });
  afterAll(() => service?.close());

  it('is live and ready with its database, Kafka and Redis up, and serves metrics and its OpenAPI document', async () => {
    await expectServiceBasics(service, 'orders');
  });
});
