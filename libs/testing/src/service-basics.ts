import type { TestService } from './test-service';

/**
 * What every service must serve (docs/contract.md section 5): live and ready probes with database, Kafka
 * and Redis up, Prometheus metrics, and its OpenAPI document. Returns the document for route checks.
 */
export async function expectServiceBasics(
  service: TestService,
  name: string,
): Promise<{ info: { title: string }; paths: Record<string, unknown> }> {
  expect((await service.http('/health/live')).status).toBe(200);
  const ready = await service.http('/health/ready');
  expect(ready.status).toBe(200);
  expect(ready.body.info).toMatchObject({
    database: { status: 'up' },
    kafka: { status: 'up' },
    redis: { status: 'up' },
  });

  const metrics = await service.http('/metrics');
  expect(metrics.status).toBe(200);
  expect(metrics.body).toContain('process_cpu_seconds_total');

  const docs = await service.http('/docs-json');
  expect(docs.status).toBe(200);
  expect(docs.body.info.title).toBe(`${name} API`);
  return docs.body;
}
