import { SERVICES } from '@ecom/platform';
import { fuzzService, startTestService, TestService } from '@ecom/testing';
import { AppModule } from './app.module';

describe('analytics API REST API under hostile input (fuzz, from its OpenAPI document)', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.analytics);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('answers every operation without a 5xx, within 200 ms, and a refused write changes nothing', async () => {
    expect(await fuzzService(service)).toEqual([]);
  });
});
