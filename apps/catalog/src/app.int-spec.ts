import { SERVICES } from '@ecom/platform';
import { expectServiceBasics, startTestService, TestService } from '@ecom/testing';
import { AppModule } from './app.module';

describe('catalog app', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.catalog);
  });
  afterAll(() => service?.close());

  it('is live and ready with its database, Kafka and Redis up, and serves metrics and its OpenAPI document', async () => {
    await expectServiceBasics(service, 'catalog');
  });

  it('documents every catalog route in OpenAPI, with a summary, responses and bearer auth on writes', async () => {
    const docs = (await service.http('/docs-json')).body as {
      paths: Record<
        string,
        Record<string, { summary?: string; responses: Record<string, unknown>; security?: unknown[] }>
      >;
    };
    const operations = Object.entries(docs.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );
    const catalogRoutes = operations.filter((o) => /\/v1\/(categories|products|skus)/.test(o.route));
    expect(catalogRoutes.map((o) => o.route).sort()).toEqual(
      [
        'GET /v1/categories',
        'POST /v1/categories',
        'GET /v1/categories/tree',
        'GET /v1/categories/{id}',
        'GET /v1/products',
        'POST /v1/products',
        'GET /v1/products/{id}',
        'PATCH /v1/products/{id}',
        'POST /v1/products/{id}/skus',
        'POST /v1/products/{id}/publish',
        'POST /v1/products/{id}/unpublish',
        'GET /v1/skus/{code}',
        'PUT /v1/skus/{code}/price',
        'PUT /v1/skus/{code}/cost',
        'POST /v1/skus/{code}/discontinue',
      ].sort(),
    );
    for (const { route, operation } of catalogRoutes) {
      expect([route, typeof operation.summary]).toEqual([route, 'string']);
      expect([route, Object.keys(operation.responses).length > 0]).toEqual([route, true]);
      if (!route.startsWith('GET')) expect([route, operation.security]).toEqual([route, [{ bearer: [] }]]);
    }
  });
});
