import { EventEnvelope, Topics } from '@ecom/contracts';
import { REDIS, SERVICES } from '@ecom/platform';
import { startTestService, TestService, TopicProbe } from '@ecom/testing';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { CatalogActors, CatalogFixtures, eventsOf, mintActors, unique } from '../test/catalog-fixtures';
import { expectEnvelope } from '../test/envelope';

describe('catalog products and SKUs (HTTP, PostgreSQL, Kafka, Redis)', () => {
  let service: TestService;
  let probe: TopicProbe;
  let actors: CatalogActors;
  let fixtures: CatalogFixtures;
  let leaf: { id: string };

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.catalog);
    probe = await TopicProbe.start(service.topicPrefix, [Topics.catalog]);
    actors = await mintActors(service);
    fixtures = new CatalogFixtures(service, actors.operator);
    leaf = await fixtures.leafCategory();
  });
  afterAll(async () => {
    await probe?.stop();
    await service?.close();
  });

  /** Waits until the topic holds `count` events of the aggregate and returns them in stream order. */
  const streamOf = async (aggregateId: string, count: number): Promise<EventEnvelope[]> => {
    await probe.waitForEvents((all) => eventsOf(all, aggregateId).length >= count, {
      message: `${count} events of ${aggregateId}`,
    });
    return eventsOf(probe.events(), aggregateId);
  };

  describe('create', () => {
    it('creates a DRAFT product with its SKUs (201) and publishes ProductCreated + SkuAdded', async () => {
      const codes = [unique('TEE-RED-M'), unique('TEE-RED-L')];
      const response = await service.http('/v1/products', {
        token: actors.operator,
        headers: { 'x-correlation-id': 'corr-create-product' },
        body: {
          title: 'Organic cotton T-shirt',
          description: 'Soft',
          categoryId: leaf.id,
          attributes: { brand: 'Acme' },
          skus: [
            { code: codes[0], price: 1999, cost: 800, attributes: { colour: 'red', size: 'M' } },
            { code: codes[1], price: 2199 },
          ],
        },
      });
      expect(response.status).toBe(201);
      const id = response.body.id;
      expect(response.body).toMatchObject({
        id: expect.any(String),
        status: 'DRAFT',
        title: 'Organic cotton T-shirt',
        categoryId: leaf.id,
        version: 3,
        skus: [
          {
            code: codes[0],
            productId: id,
            price: 1999,
            cost: 800,
            currency: 'CNY',
            attributes: { colour: 'red', size: 'M' },
            status: 'ACTIVE',
          },
          {
            code: codes[1],
            productId: id,
            price: 2199,
            cost: null,
            currency: 'CNY',
            attributes: {},
            status: 'ACTIVE',
          },
        ],
      });

      const events = await streamOf(id, 3);
      const common = { aggregateType: 'Product', aggregateId: id, correlationId: 'corr-create-product' };
      expectEnvelope(events[0], {
        ...common,
        type: 'ProductCreated',
        sequence: 1,
        data: {
          productId: id,
          title: 'Organic cotton T-shirt',
          description: 'Soft',
          categoryId: leaf.id,
          attributes: { brand: 'Acme' },
        },
      });
      expectEnvelope(events[1], {
        ...common,
        type: 'SkuAdded',
        sequence: 2,
        data: {
          productId: id,
          sku: codes[0],
          price: 1999,
          cost: 800,
          currency: 'CNY',
          attributes: { colour: 'red', size: 'M' },
        },
      });
      expectEnvelope(events[2], {
        ...common,
        type: 'SkuAdded',
        sequence: 3,
        data: { productId: id, sku: codes[1], price: 2199, cost: null, currency: 'CNY', attributes: {} },
      });
    });

    it('rejects unknown fields, top-level and in a SKU (400, naming the field)', async () => {
      const top = await service.http('/v1/products', {
        token: actors.operator,
        body: { title: 'T', categoryId: leaf.id, skus: [], stock: 5 },
      });
      expect(top.status).toBe(400);
      expect(top.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        message: ['property stock should not exist'],
      });
      const nested = await service.http('/v1/products', {
        token: actors.operator,
        body: { title: 'T', categoryId: leaf.id, skus: [{ code: unique('X'), price: 100, discount: 5 }] },
      });
      expect(nested.status).toBe(400);
      expect(nested.body.message).toEqual(['skus.0.property discount should not exist']);
    });

    it.each([
      ['zero', 0],
      ['negative', -100],
      ['fractional', 19.99],
      ['string', '1999'],
    ])('rejects a %s price (400) with a message about minor units', async (_label, price) => {
      const response = await service.http('/v1/products', {
        token: actors.operator,
        body: { title: 'T', categoryId: leaf.id, skus: [{ code: unique('P'), price }] },
      });
      expect(response.status).toBe(400);
      expect(response.body.message).toEqual(
        expect.arrayContaining(['skus.0.price must be a positive integer in minor units (1999 = 19.99)']),
      );
    });

    it('rejects a negative cost, a malformed SKU code, a missing skus array and a repeated code (400)', async () => {
      const post = (body: Record<string, unknown>) =>
        service.http('/v1/products', {
          token: actors.operator,
          body: { title: 'T', categoryId: leaf.id, ...body },
        });
      const cost = await post({ skus: [{ code: unique('C'), price: 100, cost: -1 }] });
      expect(cost.status).toBe(400);
      expect(cost.body.message).toEqual(['skus.0.cost must be an integer >= 0 in minor units']);
      const code = await post({ skus: [{ code: 'has space', price: 100 }] });
      expect(code.status).toBe(400);
      expect(code.body.message[0]).toMatch(/^skus.0.code must be 1-64 letters/);
      const missing = await post({});
      expect(missing.status).toBe(400);
      expect(missing.body.message).toEqual(expect.arrayContaining(['skus must be an array']));
      const twice = unique('TWICE');
      const repeated = await post({
        skus: [
          { code: twice, price: 1 },
          { code: twice, price: 2 },
        ],
      });
      expect(repeated.status).toBe(400);
      expect(repeated.body.message).toMatch(/appears more than once/);
    });

    it('answers 404 for an unknown category and 409 for a SKU code another product has', async () => {
      const noCategory = await service.http('/v1/products', {
        token: actors.operator,
        body: { title: 'T', categoryId: 'no-such-category', skus: [] },
      });
      expect(noCategory.status).toBe(404);
      expect(noCategory.body.message).toBe('category no-such-category not found');

      const first = await fixtures.product({ categoryId: leaf.id });
      const taken = first.skus[0].code;
      const duplicate = await service.http('/v1/products', {
        token: actors.operator,
        body: {
          title: 'Copy',
          categoryId: leaf.id,
          skus: [
            { code: unique('FRESH'), price: 100 },
            { code: taken, price: 100 },
          ],
        },
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toMatchObject({
        statusCode: 409,
        error: 'Conflict',
        message: `SKU code ${taken} is already used by another product`,
      });
      const viaAddSku = await service.http(`/v1/products/${first.id}/skus`, {
        token: actors.operator,
        body: { code: taken, price: 5 },
      });
      expect(viaAddSku.status).toBe(409);
    });

    it('lets only one of two products created concurrently with the same SKU code succeed (409 for the other)', async () => {
      const dataSource = service.app.get(DataSource);
      for (let round = 0; round < 3; round++) {
        const code = unique('RACE');
        const titles = [unique('A'), unique('B')];
        const [a, b] = await Promise.all(
          titles.map((title) =>
            service.http('/v1/products', {
              token: actors.operator,
              body: { title, categoryId: leaf.id, skus: [{ code, price: 100 }] },
            }),
          ),
        );
        expect([a.status, b.status].sort()).toEqual([201, 409]);
        const [winner, loser] = a.status === 201 ? [a, b] : [b, a];
        expect(loser.body.message).toBe(`SKU code ${code} is already used by another product`);
        const sku = await service.http(`/v1/skus/${code}`, { token: actors.operator });
        expect(sku.body.productId).toBe(winner.body.id);
        // The loser's whole transaction rolled back: no product row, no event, nothing in the outbox.
        const [{ rows }] = await dataSource.query(
          `SELECT count(*)::int AS rows FROM catalog_products WHERE title = ANY($1)`,
          [titles],
        );
        expect(rows).toBe(1);
        const [{ events }] = await dataSource.query(
          `SELECT count(*)::int AS events FROM es_events WHERE type = 'ProductCreated' AND data->>'title' = ANY($1)`,
          [titles],
        );
        expect(events).toBe(1);
      }
    });
  });

  describe('authorization', () => {
    it('requires a token (401) and the operator role (403) on every write', async () => {
      const product = await fixtures.product({ categoryId: leaf.id });
      const code = product.skus[0].code;
      const writes: [string, string, unknown][] = [
        ['POST', '/v1/products', { title: 'T', categoryId: leaf.id, skus: [] }],
        ['PATCH', `/v1/products/${product.id}`, { title: 'New' }],
        ['POST', `/v1/products/${product.id}/publish`, undefined],
        ['POST', `/v1/products/${product.id}/unpublish`, undefined],
        ['POST', `/v1/products/${product.id}/skus`, { code: unique('S'), price: 1 }],
        ['PUT', `/v1/skus/${code}/price`, { price: 1 }],
        ['PUT', `/v1/skus/${code}/cost`, { cost: 1 }],
        ['POST', `/v1/skus/${code}/discontinue`, undefined],
      ];
      for (const [method, path, body] of writes) {
        const anonymous = await service.http(path, { method, body });
        expect([method, path, anonymous.status]).toEqual([method, path, 401]);
        expect(anonymous.body).toMatchObject({ statusCode: 401, message: 'authentication required' });
        const customer = await service.http(path, { method, body, token: actors.customer });
        expect([method, path, customer.status]).toEqual([method, path, 403]);
      }
      const forged = await service.http('/v1/products', {
        body: { title: 'T', categoryId: leaf.id, skus: [] },
        token: 'Bearer not-a-jwt',
      });
      expect(forged.status).toBe(401);
      // Nothing changed on the product.
      const after = await service.http(`/v1/products/${product.id}`, { token: actors.operator });
      expect(after.body).toMatchObject({
        status: 'DRAFT',
        version: 2,
        skus: [{ price: 1999, status: 'ACTIVE' }],
      });
    });
  });

  describe('publish and unpublish', () => {
    it('publishes (ProductPublished), refuses to publish twice (409), unpublishes (ProductUnpublished), 409 again', async () => {
      const product = await fixtures.product({ categoryId: leaf.id });
      const code = product.skus[0].code;
      const published = await service.http(`/v1/products/${product.id}/publish`, {
        method: 'POST',
        token: actors.operator,
        headers: { 'x-correlation-id': 'corr-publish' },
      });
      expect(published.status).toBe(200);
      expect(published.body).toMatchObject({ id: product.id, status: 'LISTED', version: 3 });

      const again = await service.http(`/v1/products/${product.id}/publish`, {
        method: 'POST',
        token: actors.operator,
      });
      expect(again.status).toBe(409);
      expect(again.body.message).toBe('Product is LISTED: cannot publish it');

      const unpublished = await service.http(`/v1/products/${product.id}/unpublish`, {
        method: 'POST',
        token: actors.operator,
        headers: { 'x-correlation-id': 'corr-unpublish' },
      });
      expect(unpublished.status).toBe(200);
      expect(unpublished.body.status).toBe('DELISTED');
      const twice = await service.http(`/v1/products/${product.id}/unpublish`, {
        method: 'POST',
        token: actors.operator,
      });
      expect(twice.status).toBe(409);
      expect(twice.body.message).toBe('Product is DELISTED: cannot unpublish it');

      const events = await streamOf(product.id, 4);
      expectEnvelope(events[2], {
        type: 'ProductPublished',
        aggregateType: 'Product',
        aggregateId: product.id,
        sequence: 3,
        correlationId: 'corr-publish',
        data: { productId: product.id, categoryId: leaf.id, skus: [code] },
      });
      expectEnvelope(events[3], {
        type: 'ProductUnpublished',
        aggregateType: 'Product',
        aggregateId: product.id,
        sequence: 4,
        correlationId: 'corr-unpublish',
        data: { productId: product.id, skus: [code] },
      });
      expect(events).toHaveLength(4);
    });

    it('refuses (422) to publish a product without an active priced SKU', async () => {
      const bare = await fixtures.product({ categoryId: leaf.id, skus: [] });
      const response = await service.http(`/v1/products/${bare.id}/publish`, {
        method: 'POST',
        token: actors.operator,
      });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: expect.stringMatching(/no active SKU with a price/),
      });

      const single = await fixtures.product({ categoryId: leaf.id });
      await service.http(`/v1/skus/${single.skus[0].code}/discontinue`, {
        method: 'POST',
        token: actors.operator,
      });
      expect(
        (await service.http(`/v1/products/${single.id}/publish`, { method: 'POST', token: actors.operator }))
          .status,
      ).toBe(422);
    });

    it('refuses (422) to publish a product whose category has subcategories', async () => {
      const root = await fixtures.category();
      await fixtures.category('Child', root.id);
      const product = await fixtures.product({ categoryId: root.id });
      const response = await service.http(`/v1/products/${product.id}/publish`, {
        method: 'POST',
        token: actors.operator,
      });
      expect(response.status).toBe(422);
      expect(response.body.message).toMatch(/has subcategories/);
      expect((await service.http(`/v1/products/${product.id}`, { token: actors.operator })).body.status).toBe(
        'DRAFT',
      );
    });

    it('answers 404 for an unknown product', async () => {
      expect(
        (await service.http('/v1/products/nope/publish', { method: 'POST', token: actors.operator })).status,
      ).toBe(404);
      expect(
        (await service.http('/v1/products/nope/unpublish', { method: 'POST', token: actors.operator }))
          .status,
      ).toBe(404);
      expect(
        (
          await service.http('/v1/products/nope', {
            method: 'PATCH',
            token: actors.operator,
            body: { title: 'X' },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await service.http('/v1/products/nope/skus', {
            token: actors.operator,
            body: { code: unique('N'), price: 1 },
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('visibility', () => {
    it('hides unlisted products and their SKUs from anonymous callers and customers (404), shows costs to operators only', async () => {
      const product = await fixtures.product({
        categoryId: leaf.id,
        skus: [{ code: unique('VIS'), price: 500, cost: 200 }],
      });
      const code = product.skus[0].code;
      for (const token of [undefined, actors.customer]) {
        expect((await service.http(`/v1/products/${product.id}`, { token })).status).toBe(404);
        expect((await service.http(`/v1/skus/${code}`, { token })).status).toBe(404);
      }
      const operatorView = await service.http(`/v1/products/${product.id}`, { token: actors.operator });
      expect(operatorView.status).toBe(200);
      expect(operatorView.body.skus[0].cost).toBe(200);

      await fixtures.publish(product.id);
      for (const token of [undefined, actors.customer]) {
        const view = await service.http(`/v1/products/${product.id}`, { token });
        expect(view.status).toBe(200);
        expect(view.body.skus[0]).toEqual({
          code,
          productId: product.id,
          price: 500,
          currency: 'CNY',
          attributes: {},
          status: 'ACTIVE',
        });
        const sku = await service.http(`/v1/skus/${code}`, { token });
        expect(sku.body).toEqual({
          code,
          productId: product.id,
          price: 500,
          currency: 'CNY',
          attributes: {},
          status: 'ACTIVE',
          productStatus: 'LISTED',
        });
      }
      const skuForOperator = await service.http(`/v1/skus/${code}`, { token: actors.operator });
      expect(skuForOperator.body).toMatchObject({ code, cost: 200, price: 500 });

      await service.http(`/v1/products/${product.id}/unpublish`, { method: 'POST', token: actors.operator });
      expect((await service.http(`/v1/products/${product.id}`)).status).toBe(404);
      expect((await service.http(`/v1/skus/${code}`)).status).toBe(404);
    });

    it('answers 404 for unknown products and SKUs', async () => {
      expect(
        (await service.http('/v1/products/0198f0a2-0000-7000-8000-000000000000', { token: actors.operator }))
          .status,
      ).toBe(404);
      const sku = await service.http('/v1/skus/NO-SUCH-SKU', { token: actors.operator });
      expect(sku.status).toBe(404);
      expect(sku.body).toMatchObject({
        statusCode: 404,
        error: 'Not Found',
        message: 'SKU NO-SUCH-SKU not found',
      });
      expect(
        (
          await service.http('/v1/skus/NO-SUCH-SKU/price', {
            method: 'PUT',
            token: actors.operator,
            body: { price: 10 },
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('list', () => {
    let root: { id: string };
    let shirts: { id: string };
    let shoes: { id: string };
    const titles: Record<string, string> = {};

    beforeAll(async () => {
      root = await fixtures.category();
      shirts = await fixtures.category('Shirts', root.id);
      shoes = await fixtures.category('Shoes', root.id);
      const word = unique('zq');
      titles.linen = `Linen ${word} shirt`;
      titles.oxford = `Oxford ${word.toUpperCase()} shirt`;
      titles.runner = 'Trail runner';
      titles.draft = `Draft ${word} shirt`;
      titles.word = word;
      for (const [category, title] of [
        [shirts.id, titles.linen],
        [shirts.id, titles.oxford],
        [shoes.id, titles.runner],
      ]) {
        await fixtures.listedProduct(category, { title });
      }
      await fixtures.product({ categoryId: shirts.id, title: titles.draft });
    });

    const list = async (query: string, token?: string) => {
      const response = await service.http(`/v1/products?${query}`, { token });
      expect(response.status).toBe(200);
      return response.body as {
        items: { title: string; status: string; skus: { cost?: number }[] }[];
        nextCursor: string | null;
      };
    };

    it('filters by category (including subcategories) and shows anonymous callers LISTED only, newest first', async () => {
      const inShirts = await list(`categoryId=${shirts.id}`);
      expect(inShirts.items.map((p) => p.title)).toEqual([titles.oxford, titles.linen]);
      expect(inShirts.nextCursor).toBeNull();
      const underRoot = await list(`categoryId=${root.id}`);
      expect(underRoot.items.map((p) => p.title)).toEqual([titles.runner, titles.oxford, titles.linen]);
      expect(underRoot.items[0].skus[0]).not.toHaveProperty('cost');
      const asCustomer = await list(`categoryId=${root.id}&status=DRAFT`, actors.customer);
      expect(asCustomer.items).toEqual([]);
    });

    it('lets operators filter by status and see drafts', async () => {
      const drafts = await list(`categoryId=${root.id}&status=DRAFT`, actors.operator);
      expect(drafts.items.map((p) => p.title)).toEqual([titles.draft]);
      const all = await list(`categoryId=${root.id}`, actors.operator);
      expect(all.items).toHaveLength(4);
      expect(all.items[0].skus[0].cost).toBeDefined();
    });

    it('searches titles case-insensitively (q), treating % and _ literally', async () => {
      const found = await list(`q=${titles.word.toUpperCase()}`);
      expect(found.items.map((p) => p.title)).toEqual([titles.oxford, titles.linen]);
      expect((await list(`q=${encodeURIComponent('%')}&categoryId=${root.id}`)).items).toEqual([]);
      expect((await list(`q=${titles.word}`, actors.operator)).items).toHaveLength(3);
    });

    it('pages with a cursor: every item exactly once, in order, then nextCursor null', async () => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof list>> = await list(
          `categoryId=${root.id}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          actors.operator,
        );
        pages.push(page.items.map((p) => p.title));
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages).toEqual([[titles.draft], [titles.runner], [titles.oxford], [titles.linen]]);
    });

    it('rejects a bad limit, a forged cursor, an unknown status and unknown query parameters (400)', async () => {
      for (const query of [
        'limit=0',
        'limit=101',
        'limit=abc',
        'cursor=garbage',
        'status=SOLD',
        'sort=price',
      ]) {
        const response = await service.http(`/v1/products?${query}`);
        expect([query, response.status]).toEqual([query, 400]);
      }
    });
  });

  describe('changes', () => {
    it('changes a price (SkuPriceChanged with previousPrice); same price is a no-op; bad price 400', async () => {
      const product = await fixtures.product({ categoryId: leaf.id });
      const code = product.skus[0].code;
      const changed = await service.http(`/v1/skus/${code}/price`, {
        method: 'PUT',
        token: actors.operator,
        body: { price: 2599 },
        headers: { 'x-correlation-id': 'corr-price' },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        code,
        productId: product.id,
        price: 2599,
        currency: 'CNY',
        status: 'ACTIVE',
        productStatus: 'DRAFT',
      });
      const same = await service.http(`/v1/skus/${code}/price`, {
        method: 'PUT',
        token: actors.operator,
        body: { price: 2599 },
      });
      expect(same.status).toBe(200);
      for (const price of [0, -1, 10.5, null, 'abc']) {
        const bad = await service.http(`/v1/skus/${code}/price`, {
          method: 'PUT',
          token: actors.operator,
          body: { price },
        });
        expect([price, bad.status]).toEqual([price, 400]);
      }
      const extra = await service.http(`/v1/skus/${code}/price`, {
        method: 'PUT',
        token: actors.operator,
        body: { price: 10, currency: 'USD' },
      });
      expect(extra.status).toBe(400);
      expect(extra.body.message).toEqual(['property currency should not exist']);

      const events = await streamOf(product.id, 3);
      expectEnvelope(events[2], {
        type: 'SkuPriceChanged',
        aggregateType: 'Product',
        aggregateId: product.id,
        sequence: 3,
        correlationId: 'corr-price',
        data: { productId: product.id, sku: code, price: 2599, previousPrice: 1999, currency: 'CNY' },
      });
      expect(
        (await service.http(`/v1/products/${product.id}`, { token: actors.operator })).body.version,
      ).toBe(3);
    });

    it('changes details with only the changed fields (ProductDetailsChanged); nothing changed = no event', async () => {
      const other = await fixtures.leafCategory();
      const product = await fixtures.product({ categoryId: leaf.id, title: 'Before' });
      const patched = await service.http(`/v1/products/${product.id}`, {
        method: 'PATCH',
        token: actors.operator,
        body: { title: 'After', categoryId: other.id, attributes: { fit: 'slim' } },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        title: 'After',
        categoryId: other.id,
        attributes: { fit: 'slim' },
        description: null,
        version: 3,
      });
      const noop = await service.http(`/v1/products/${product.id}`, {
        method: 'PATCH',
        token: actors.operator,
        body: { title: 'After' },
      });
      expect(noop.body.version).toBe(3);
      const described = await service.http(`/v1/products/${product.id}`, {
        method: 'PATCH',
        token: actors.operator,
        body: { description: 'Long' },
      });
      expect(described.body).toMatchObject({ description: 'Long', version: 4 });
      const nullTitle = await service.http(`/v1/products/${product.id}`, {
        method: 'PATCH',
        token: actors.operator,
        body: { title: null },
      });
      expect(nullTitle.status).toBe(400);

      const events = await streamOf(product.id, 4);
      expectEnvelope(events[2], {
        type: 'ProductDetailsChanged',
        aggregateType: 'Product',
        aggregateId: product.id,
        sequence: 3,
        data: { productId: product.id, title: 'After', categoryId: other.id, attributes: { fit: 'slim' } },
      });
      expect(events[3].data).toEqual({ productId: product.id, description: 'Long' });
      expect(events).toHaveLength(4);
    });

    it('keeps a listed product in a leaf category (422 on a move to a category with children)', async () => {
      const product = await fixtures.listedProduct(leaf.id);
      const branch = await fixtures.category();
      await fixtures.category('Child', branch.id);
      const response = await service.http(`/v1/products/${product.id}`, {
        method: 'PATCH',
        token: actors.operator,
        body: { categoryId: branch.id },
      });
      expect(response.status).toBe(422);
    });

    it('adds a SKU (SkuAdded), changes its cost (SkuCostChanged) and discontinues it (SkuDiscontinued)', async () => {
      const product = await fixtures.product({ categoryId: leaf.id });
      const code = unique('ADDED');
      const added = await service.http(`/v1/products/${product.id}/skus`, {
        token: actors.operator,
        body: { code, price: 3000, currency: 'USD', attributes: { size: 'XL' } },
      });
      expect(added.status).toBe(201);
      expect(added.body).toEqual({
        code,
        productId: product.id,
        price: 3000,
        cost: null,
        currency: 'USD',
        attributes: { size: 'XL' },
        status: 'ACTIVE',
        productStatus: 'DRAFT',
      });
      const cost = await service.http(`/v1/skus/${code}/cost`, {
        method: 'PUT',
        token: actors.operator,
        body: { cost: 1200 },
      });
      expect(cost.body.cost).toBe(1200);
      expect(
        (
          await service.http(`/v1/skus/${code}/cost`, {
            method: 'PUT',
            token: actors.operator,
            body: { cost: -5 },
          })
        ).status,
      ).toBe(400);
      expect(
        (await service.http(`/v1/skus/${code}/cost`, { method: 'PUT', token: actors.operator, body: {} }))
          .status,
      ).toBe(400);
      const cleared = await service.http(`/v1/skus/${code}/cost`, {
        method: 'PUT',
        token: actors.operator,
        body: { cost: null },
      });
      expect(cleared.body.cost).toBeNull();
      const gone = await service.http(`/v1/skus/${code}/discontinue`, {
        method: 'POST',
        token: actors.operator,
      });
      expect(gone.status).toBe(200);
      expect(gone.body.status).toBe('DISCONTINUED');
      const again = await service.http(`/v1/skus/${code}/discontinue`, {
        method: 'POST',
        token: actors.operator,
      });
      expect(again.status).toBe(409);
      const price = await service.http(`/v1/skus/${code}/price`, {
        method: 'PUT',
        token: actors.operator,
        body: { price: 1 },
      });
      expect(price.status).toBe(409);
      expect(price.body.message).toBe('SKU is DISCONTINUED: cannot change its price');

      const events = await streamOf(product.id, 6);
      const base = { aggregateType: 'Product', aggregateId: product.id };
      expectEnvelope(events[2], {
        ...base,
        type: 'SkuAdded',
        sequence: 3,
        data: {
          productId: product.id,
          sku: code,
          price: 3000,
          cost: null,
          currency: 'USD',
          attributes: { size: 'XL' },
        },
      });
      expectEnvelope(events[3], {
        ...base,
        type: 'SkuCostChanged',
        sequence: 4,
        data: { productId: product.id, sku: code, cost: 1200, currency: 'USD' },
      });
      expectEnvelope(events[4], {
        ...base,
        type: 'SkuCostChanged',
        sequence: 5,
        data: { productId: product.id, sku: code, cost: null, currency: 'USD' },
      });
      expectEnvelope(events[5], {
        ...base,
        type: 'SkuDiscontinued',
        sequence: 6,
        data: { productId: product.id, sku: code },
      });
    });

    it('refuses (422) to discontinue the last active SKU of a listed product', async () => {
      const product = await fixtures.listedProduct(leaf.id);
      const response = await service.http(`/v1/skus/${product.skus[0].code}/discontinue`, {
        method: 'POST',
        token: actors.operator,
      });
      expect(response.status).toBe(422);
    });
  });

  describe('product detail cache (Redis)', () => {
    it('serves the detail from Redis and invalidates it after every committed change', async () => {
      const redis = service.app.get<Redis>(REDIS);
      const product = await fixtures.listedProduct(leaf.id);
      const key = `catalog:product:${product.id}`;
      expect(await redis.exists(key)).toBe(0);
      const first = await service.http(`/v1/products/${product.id}`);
      expect(first.body.skus[0].price).toBe(1999);
      const cached = JSON.parse((await redis.get(key))!);
      expect(cached).toMatchObject({ id: product.id, version: 3 });

      // What is served comes from the cache: a planted entry is returned as it is.
      await redis.set(key, JSON.stringify({ ...cached, title: 'from the cache' }), 'EX', 60);
      expect((await service.http(`/v1/products/${product.id}`)).body.title).toBe('from the cache');

      // A committed change removes the entry: the next read sees the new price, not the cached one.
      await service.http(`/v1/skus/${product.skus[0].code}/price`, {
        method: 'PUT',
        token: actors.operator,
        body: { price: 1499 },
      });
      expect(await redis.exists(key)).toBe(0);
      const fresh = await service.http(`/v1/products/${product.id}`);
      expect(fresh.body).toMatchObject({ title: expect.not.stringMatching('from the cache'), version: 4 });
      expect(fresh.body.skus[0].price).toBe(1499);

      const metrics = (await service.http('/metrics')).body as string;
      expect(metrics).toMatch(/catalog_product_cache_requests_total\{result="hit"\} [1-9]/);
      expect(metrics).toMatch(/catalog_product_cache_requests_total\{result="miss"\} [1-9]/);

      // Unpublishing invalidates too: the cached LISTED copy must not keep it visible.
      await service.http(`/v1/products/${product.id}/unpublish`, { method: 'POST', token: actors.operator });
      expect((await service.http(`/v1/products/${product.id}`)).status).toBe(404);
    });

    it('does not store what a reader read before a concurrent invalidation (generation check)', async () => {
      const redis = service.app.get<Redis>(REDIS);
      const product = await fixtures.listedProduct(leaf.id);
      const key = `catalog:product:${product.id}`;
      // Simulate a reader that took the generation, then lost the race to a committed change.
      const generation = (await redis.get(`${key}:gen`)) ?? '';
      await service.http(`/v1/skus/${product.skus[0].code}/price`, {
        method: 'PUT',
        token: actors.operator,
        body: { price: 999 },
      });
      const stored = await (
        redis as Redis & { catalogSetIfGeneration: (...args: unknown[]) => Promise<number> }
      ).catalogSetIfGeneration(key, `${key}:gen`, generation, JSON.stringify({ stale: true }), 60);
      expect(stored).toBe(0);
      expect(await redis.exists(key)).toBe(0);
      expect((await service.http(`/v1/products/${product.id}`)).body.skus[0].price).toBe(999);
    });
  });
});
