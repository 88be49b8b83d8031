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

  it('documents the cart routes as usable with a token or without one, and checkout as needing one', async () => {
    const { paths } = (await service.http('/docs-json')).body;
    for (const operation of [
      paths['/v1/carts'].post,
      paths['/v1/carts/{id}'].get,
      paths['/v1/carts/{id}/items'].post,
      paths['/v1/carts/{id}/items/{sku}'].delete,
    ]) {
      expect(operation.security).toEqual(expect.arrayContaining([{ bearer: [] }, {}]));
    }
    expect(paths['/v1/orders'].post.security).toEqual([{ bearer: [] }]);
  });
});
