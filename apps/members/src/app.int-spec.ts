import { TestService } from '@ecom/testing';
import { startMembersService } from './test/members-test-service';

describe('members app', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startMembersService();
  });
  afterAll(() => service?.close());

  it('is live and ready with its database, Kafka and Redis up', async () => {
    expect((await service.http('/health/live')).status).toBe(200);
    const ready = await service.http('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toMatchObject({ database: { status: 'up' }, kafka: { status: 'up' }, redis: { status: 'up' } });
  });

  it('serves Prometheus metrics and its OpenAPI document with the members routes', async () => {
    const metrics = await service.http('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('process_cpu_seconds_total');
    const docs = await service.http('/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.info.title).toBe('members API');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/v1/members', '/v1/members/me', '/v1/members/{id}', '/v1/members/{id}/roles', '/v1/auth/login', '/v1/auth/jwks', '/v1/auth/public-key']),
    );
  });
});
