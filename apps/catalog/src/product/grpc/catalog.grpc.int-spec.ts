import { SERVICES } from '@ecom/platform';
import { grpcTestClient, startTestService, TestService } from '@ecom/testing';
import * as grpc from '@grpc/grpc-js';
import { AppModule } from '../../app.module';
import { CatalogActors, CatalogFixtures, mintActors, unique } from '../../test/catalog-fixtures';

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;
interface CatalogClient extends grpc.Client {
  GetProduct(request: object, metadata: grpc.Metadata, callback: Callback<GrpcProduct>): void;
  GetSku(request: object, metadata: grpc.Metadata, callback: Callback<GrpcSku>): void;
  ListProducts(
    request: object,
    metadata: grpc.Metadata,
    callback: Callback<{ items: GrpcProduct[]; nextCursor: string }>,
  ): void;
}
interface GrpcSku {
  code: string;
  productId: string;
  price: string;
  currency: string;
  attributes: Record<string, string>;
  status: string;
}
interface GrpcProduct {
  id: string;
  title: string;
  description: string;
  categoryId: string;
  status: string;
  attributes: Record<string, string>;
  skus: GrpcSku[];
}

describe('catalog.v1.CatalogService (gRPC)', () => {
  let service: TestService;
  let client: CatalogClient;
  let actors: CatalogActors;
  let fixtures: CatalogFixtures;
  let leaf: { id: string };
  let listed: { id: string; skus: { code: string }[] };
  let draft: { id: string; skus: { code: string }[] };

  const metadata = (token?: string) => {
    const m = new grpc.Metadata();
    if (token) m.set('authorization', token);
    return m;
  };
  const call = <T>(
    method: 'GetProduct' | 'GetSku' | 'ListProducts',
    request: object,
    token?: string,
  ): Promise<T> =>
    new Promise((resolve, reject) =>
      (client[method] as (r: object, m: grpc.Metadata, cb: Callback<T>) => void).call(
        client,
        request,
        metadata(token),
        (error, response) => (error ? reject(error) : resolve(response)),
      ),
    );

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.catalog);
    client = grpcTestClient<CatalogClient>('catalog', 'CatalogService', service.grpcAddress!);
    actors = await mintActors(service);
    fixtures = new CatalogFixtures(service, actors.operator);
    leaf = await fixtures.leafCategory();
    listed = await fixtures.listedProduct(leaf.id, {
      title: 'gRPC listed',
      attributes: { brand: 'Acme' },
      skus: [{ code: unique('G-L'), price: 4200, cost: 1000, attributes: { size: 'M' } }],
    });
    draft = await fixtures.product({
      categoryId: leaf.id,
      title: 'gRPC draft',
      skus: [{ code: unique('G-D'), price: 100 }],
    });
  });
  afterAll(async () => {
    client?.close();
    await service?.close();
  });

  it('GetProduct returns a listed product to anonymous callers, with int64 prices', async () => {
    const product = await call<GrpcProduct>('GetProduct', { id: listed.id });
    expect(product).toEqual({
      id: listed.id,
      title: 'gRPC listed',
      description: '',
      categoryId: leaf.id,
      status: 'LISTED',
      attributes: { brand: 'Acme' },
      skus: [
        {
          code: listed.skus[0].code,
          productId: listed.id,
          price: '4200',
          currency: 'CNY',
          attributes: { size: 'M' },
          status: 'ACTIVE',
        },
      ],
    });
  });

  it('hides unlisted products and their SKUs from anonymous and customer callers (NOT_FOUND), not from operators', async () => {
    for (const token of [undefined, actors.customer]) {
      await expect(call('GetProduct', { id: draft.id }, token)).rejects.toMatchObject({
        code: grpc.status.NOT_FOUND,
      });
      await expect(call('GetSku', { code: draft.skus[0].code }, token)).rejects.toMatchObject({
        code: grpc.status.NOT_FOUND,
      });
    }
    expect(await call<GrpcProduct>('GetProduct', { id: draft.id }, actors.operator)).toMatchObject({
      id: draft.id,
      status: 'DRAFT',
    });
    expect(await call<GrpcSku>('GetSku', { code: draft.skus[0].code }, actors.operator)).toMatchObject({
      productId: draft.id,
      price: '100',
    });
  });

  it('GetSku returns {code, productId, price, currency, attributes, status}', async () => {
    expect(await call<GrpcSku>('GetSku', { code: listed.skus[0].code })).toEqual({
      code: listed.skus[0].code,
      productId: listed.id,
      price: '4200',
      currency: 'CNY',
      attributes: { size: 'M' },
      status: 'ACTIVE',
    });
    await expect(call('GetSku', { code: 'NO-SUCH' })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
      details: 'SKU NO-SUCH not found',
    });
    await expect(call('GetSku', { code: '' })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });

  it('ListProducts shows anonymous callers LISTED only; operators may ask for drafts; pages with a cursor', async () => {
    const anonymous = await call<{ items: GrpcProduct[]; nextCursor: string }>('ListProducts', {
      categoryId: leaf.id,
    });
    expect(anonymous.items.map((p) => p.id)).toEqual([listed.id]);
    expect(anonymous.nextCursor).toBe('');
    const askedDrafts = await call<{ items: GrpcProduct[] }>('ListProducts', {
      categoryId: leaf.id,
      status: 'DRAFT',
    });
    expect(askedDrafts.items).toEqual([]);
    const operatorDrafts = await call<{ items: GrpcProduct[] }>(
      'ListProducts',
      { categoryId: leaf.id, status: 'DRAFT' },
      actors.operator,
    );
    expect(operatorDrafts.items.map((p) => p.id)).toEqual([draft.id]);

    const first = await call<{ items: GrpcProduct[]; nextCursor: string }>(
      'ListProducts',
      { categoryId: leaf.id, limit: 1 },
      actors.operator,
    );
    expect(first.items.map((p) => p.id)).toEqual([draft.id]);
    expect(first.nextCursor).not.toBe('');
    const second = await call<{ items: GrpcProduct[]; nextCursor: string }>(
      'ListProducts',
      { categoryId: leaf.id, limit: 1, cursor: first.nextCursor },
      actors.operator,
    );
    expect(second.items.map((p) => p.id)).toEqual([listed.id]);
    expect(second.nextCursor).toBe('');

    const search = await call<{ items: GrpcProduct[] }>('ListProducts', { q: 'GRPC' }, actors.operator);
    expect(search.items.map((p) => p.id)).toEqual([draft.id, listed.id]);
  });

  it('refuses bad arguments and bad tokens with the matching status codes', async () => {
    await expect(call('ListProducts', { status: 'SOLD' })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(call('ListProducts', { limit: 1000 })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(call('ListProducts', { cursor: 'garbage' })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(call('GetProduct', { id: listed.id }, 'Bearer forged')).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
  });
});
