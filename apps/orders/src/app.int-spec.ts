import { SERVICES } from '@ecom/platform';
import { startTestService, TestService } from '@ecom/testing';
import { AppModule } from './app.module';

describe('orders app', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.orders);
  });
  afterAll(() => service?.close());

  it('is live and ready with its database, Kafka and Redis up', async () => {
    expect((await service.http('/health/live')).status).toBe(200);
    const ready = await service.http('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({
      database: { status: 'up' },
      kafka: { status: 'up' },
      redis: { status: 'up' },
    });
  });

  it('serves Prometheus metrics and its OpenAPI document', async () => {
    const metrics = await service.http('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('process_cpu_seconds_total');
    const docs = await service.http('/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.info.title).toBe('orders API');
  });
});
