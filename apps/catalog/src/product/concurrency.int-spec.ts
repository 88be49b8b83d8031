import { EventEnvelope, Topics } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import { startTestService, TestService, TopicProbe } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { CatalogActors, CatalogFixtures, eventsOf, mintActors, unique } from '../test/catalog-fixtures';

type PriceChanged = EventEnvelope<{
  productId: string;
  sku: string;
  price: number;
  previousPrice: number;
  currency: string;
}>;

describe('catalog under concurrency (HTTP, PostgreSQL, Kafka)', () => {
  let service: TestService;
  let probe: TopicProbe;
  let actors: CatalogActors;
  let fixtures: CatalogFixtures;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.catalog);
    probe = await TopicProbe.start(service.topicPrefix, [Topics.catalog]);
    actors = await mintActors(service);
    fixtures = new CatalogFixtures(service, actors.operator);
  });
  afterAll(async () => {
    await probe?.stop();
    await service?.close();
  });

  const putPrices = (code: string, prices: number[]) =>
    Promise.all(
      prices.map((price) =>
        service.http(`/v1/skus/${code}/price`, { method: 'PUT', token: actors.operator, body: { price } }),
      ),
    );

  /** Checks the SkuPriceChanged chain of a product on the topic and returns the last price. */
  const verifyPriceChain = (events: EventEnvelope[], startPrice: number, expectedPrices: number[]) => {
    const changes = events.filter((e): e is PriceChanged => e.type === 'SkuPriceChanged');
    expect(changes).toHaveLength(expectedPrices.length);
    expect(changes.map((e) => e.data.price).sort((a, b) => a - b)).toEqual(
      [...expectedPrices].sort((a, b) => a - b),
    );
    let previous = startPrice;
    for (const change of changes) {
      expect(change.data.previousPrice).toBe(previous);
      previous = change.data.price;
    }
    return previous;
  };

  it('20 concurrent price changes of one SKU: 20 events, gapless sequences, each previousPrice the price before', async () => {
    const leaf = await fixtures.leafCategory();
    const product = await fixtures.listedProduct(leaf.id);
    const code = product.skus[0].code;
    const prices = Array.from({ length: 20 }, (_, i) => 3000 + i * 7);

    const responses = await putPrices(code, prices);
    expect(responses.map((r) => r.status)).toEqual(prices.map(() => 200));

    const total = 3 + prices.length;
    await probe.waitForEvents((all) => eventsOf(all, product.id).length >= total, {
      message: `${total} events`,
    });
    const events = eventsOf(probe.events(), product.id);
    expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const last = verifyPriceChain(events, 1999, prices);

    // The read model, REST and the stored stream all agree on the last event's price.
    const sku = await service.http(`/v1/skus/${code}`);
    expect(sku.body.price).toBe(last);
    expect((await service.http(`/v1/products/${product.id}`)).body).toMatchObject({
      version: total,
      skus: [{ price: last }],
    });
  });

  it('keeps the chain across a snapshot of the Product stream (more than 50 events)', async () => {
    const leaf = await fixtures.leafCategory();
    const product = await fixtures.product({ categoryId: leaf.id });
    const code = product.skus[0].code;
    const first = Array.from({ length: 30 }, (_, i) => 5000 + i);
    const second = Array.from({ length: 30 }, (_, i) => 7000 + i);
    await putPrices(code, first);
    await putPrices(code, second);

    const dataSource = service.app.get(DataSource);
    const [snapshot] = await dataSource.query(
      `SELECT version FROM es_snapshots WHERE aggregate_type = 'Product' AND aggregate_id = $1`,
      [product.id],
    );
    expect(snapshot.version).toBeGreaterThanOrEqual(50);

    const total = 2 + first.length + second.length;
    await probe.waitForEvents((all) => eventsOf(all, product.id).length >= total, {
      message: `${total} events`,
    });
    const events = eventsOf(probe.events(), product.id);
    expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const last = verifyPriceChain(events, 1999, [...first, ...second]);
    expect((await service.http(`/v1/skus/${code}`, { token: actors.operator })).body.price).toBe(last);
  });

  it('never lists a product in a category that concurrently gains its first child', async () => {
    for (let round = 0; round < 6; round++) {
      const leaf = await fixtures.leafCategory();
      const product = await fixtures.product({ categoryId: leaf.id });
      const [publish, child] = await Promise.all([
        service.http(`/v1/products/${product.id}/publish`, { method: 'POST', token: actors.operator }),
        service.http('/v1/categories', {
          token: actors.operator,
          body: { name: unique('Child'), parentId: leaf.id },
        }),
      ]);
      const outcome = `${publish.status}/${child.status}`;
      // Exactly one wins: listed in a still-leaf category, or a new child and the publish refused.
      expect(['200/422', '422/201']).toContain(outcome);
    }
  });
});
