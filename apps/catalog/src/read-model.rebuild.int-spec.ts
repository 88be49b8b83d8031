import { EventSourcingRuntime, SERVICES } from '@ecom/platform';
import { startTestService, TestService } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { CategoryProjection } from './category/read-model/category.projection';
import { ProductProjection } from './product/read-model/product.projection';
import { CatalogFixtures, mintActors, unique } from './test/catalog-fixtures';

const TABLES: Record<string, string> = {
  catalog_categories: 'id',
  catalog_products: 'id',
  catalog_skus: 'code',
};

describe('catalog read models rebuilt from the event store', () => {
  let service: TestService;
  let dataSource: DataSource;
  let runtime: EventSourcingRuntime;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.catalog);
    dataSource = service.app.get(DataSource);
    runtime = service.app.get(EventSourcingRuntime);
  });
  afterAll(() => service?.close());

  /** Every row of every read-model table, every column, in a stable order. */
  const tableContents = async () => {
    const contents: Record<string, unknown[]> = {};
    for (const [table, key] of Object.entries(TABLES)) {
      const rows: { row: unknown }[] = await dataSource.query(
        `SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY ${key}`,
      );
      contents[table] = rows.map((r) => r.row);
    }
    return contents;
  };

  const rebuild = async (pageSize: number) =>
    (await runtime.rebuildInlineProjection(service.app.get(CategoryProjection), pageSize)) +
    (await runtime.rebuildInlineProjection(service.app.get(ProductProjection), pageSize));

  it('gives exactly the live tables back after every kind of command', async () => {
    const actors = await mintActors(service);
    const fixtures = new CatalogFixtures(service, actors.operator);
    const op = { token: actors.operator };

    const root = await fixtures.category();
    const mid = await fixtures.category('Mid', root.id);
    const leafA = await fixtures.category('Leaf A', mid.id);
    const leafB = await fixtures.category('Leaf B', mid.id);
    const products = [];
    for (let i = 0; i < 4; i++) {
      products.push(
        await fixtures.product({
          categoryId: i % 2 ? leafA.id : leafB.id,
          description: i === 0 ? 'described' : null,
          attributes: { index: String(i) },
          skus: [
            { code: unique(`R${i}A`), price: 1000 + i, cost: i === 1 ? null : 300 },
            { code: unique(`R${i}B`), price: 2000 + i },
          ],
        }),
      );
    }
    const [p0, p1, p2, p3] = products;
    await fixtures.publish(p0.id);
    await fixtures.publish(p1.id);
    await service.http(`/v1/products/${p1.id}/unpublish`, { method: 'POST', ...op });
    await service.http(`/v1/products/${p2.id}`, {
      method: 'PATCH',
      ...op,
      body: { title: 'Renamed', description: 'now described', categoryId: leafA.id, attributes: {} },
    });
    await service.http(`/v1/products/${p0.id}`, { method: 'PATCH', ...op, body: { description: null } });
    await service.http(`/v1/products/${p3.id}/skus`, {
      ...op,
      body: { code: unique('R3C'), price: 777, cost: 5, attributes: { extra: 'yes' } },
    });
    await Promise.all(
      [1, 2, 3, 4, 5].map((k) =>
        service.http(`/v1/skus/${p0.skus[0].code}/price`, {
          method: 'PUT',
          ...op,
          body: { price: 5000 + k },
        }),
      ),
    );
    await service.http(`/v1/skus/${p1.skus[1].code}/cost`, { method: 'PUT', ...op, body: { cost: 999 } });
    await service.http(`/v1/skus/${p2.skus[0].code}/discontinue`, { method: 'POST', ...op });

    const live = await tableContents();
    expect(live.catalog_categories).toHaveLength(4);
    expect(live.catalog_products).toHaveLength(4);
    expect(live.catalog_skus).toHaveLength(9);

    // Damage the read model so that only a real replay can restore it.
    await dataSource.query(`UPDATE catalog_skus SET price = 1 WHERE code = $1`, [p0.skus[0].code]);
    await dataSource.query(`DELETE FROM catalog_products WHERE id = $1`, [p3.id]);
    await dataSource.query(`DELETE FROM catalog_categories WHERE id = $1`, [leafB.id]);
    expect(await tableContents()).not.toEqual(live);

    const [{ events }] = await dataSource.query(`SELECT count(*)::int AS events FROM es_events`);
    expect(await rebuild(5)).toBe(events);
    expect(await tableContents()).toEqual(live);

    // Rebuilding again is stable.
    await rebuild(1000);
    expect(await tableContents()).toEqual(live);
  });
});
