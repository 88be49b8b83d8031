import { Topics } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import { startTestService, TestService, TopicProbe } from '@ecom/testing';
import { AppModule } from '../app.module';
import { CatalogActors, CatalogFixtures, mintActors, unique } from '../test/catalog-fixtures';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('catalog categories (HTTP, PostgreSQL, Kafka)', () => {
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

  it('creates a root and children down to level 3 and publishes CategoryCreated with the full envelope', async () => {
    const rootName = unique('Apparel');
    const root = await service.http('/v1/categories', {
      token: actors.operator,
      body: { name: rootName },
      headers: { 'x-correlation-id': 'corr-category-1' },
    });
    expect(root.status).toBe(201);
    expect(root.body).toMatchObject({ name: rootName, parentId: null, depth: 1, leaf: true });
    expect(root.body.id).toMatch(UUID_V7);

    const level2 = await fixtures.category('Men', root.body.id);
    const level3 = await fixtures.category('Shirts', level2.id);
    expect([level2.depth, level3.depth]).toEqual([2, 3]);
    expect(level3).toMatchObject({ parentId: level2.id, path: [root.body.id, level2.id, level3.id] });

    const events = await probe.waitForEvents((all) => all.some((e) => e.aggregateId === level3.id));
    const created = events.find((e) => e.aggregateId === root.body.id)!;
    expect(created).toEqual({
      id: expect.stringMatching(UUID_V7),
      type: 'CategoryCreated',
      version: 1,
      source: 'catalog',
      aggregateType: 'Category',
      aggregateId: root.body.id,
      sequence: 1,
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      correlationId: 'corr-category-1',
      causationId: null,
      data: { categoryId: root.body.id, name: rootName, parentId: null, depth: 1 },
    });
    expect(events.find((e) => e.aggregateId === level3.id)).toMatchObject({
      type: 'CategoryCreated',
      data: { categoryId: level3.id, name: 'Shirts', parentId: level2.id, depth: 3 },
    });

    // A fourth level is a business rule violation.
    const tooDeep = await service.http('/v1/categories', {
      token: actors.operator,
      body: { name: 'Oxford', parentId: level3.id },
    });
    expect(tooDeep.status).toBe(422);
    expect(tooDeep.body).toMatchObject({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: expect.stringMatching(/at most 3 levels/),
    });
  });

  it('refuses a duplicate sibling name (409) but allows the name under another parent', async () => {
    const a = await fixtures.category();
    const b = await fixtures.category();
    await fixtures.category('Shoes', a.id);
    const duplicate = await service.http('/v1/categories', {
      token: actors.operator,
      body: { name: ' SHOES ', parentId: a.id },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toMatch(/"SHOES" already exists/);
    expect(
      (
        await service.http('/v1/categories', {
          token: actors.operator,
          body: { name: 'Shoes', parentId: b.id },
        })
      ).status,
    ).toBe(201);
  });

  it('lets exactly one of concurrent creations of the same sibling name succeed, 409 for the rest', async () => {
    // Children of one parent serialise on the parent's row lock; roots have no parent to lock and are
    // kept unique by the read model's unique index alone (its violation becomes the 409).
    const parent = await fixtures.category();
    const rootName = unique('RaceRoot');
    const [children, roots] = await Promise.all([
      Promise.all(
        Array.from({ length: 6 }, () =>
          service.http('/v1/categories', {
            token: actors.operator,
            body: { name: 'Race', parentId: parent.id },
          }),
        ),
      ),
      Promise.all(
        Array.from({ length: 6 }, () =>
          service.http('/v1/categories', { token: actors.operator, body: { name: rootName } }),
        ),
      ),
    ]);
    for (const results of [children, roots]) {
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      for (const loser of results.filter((r) => r.status === 409))
        expect(loser.body.message).toMatch(/already exists/);
    }
    const listed = await service.http(`/v1/categories?parentId=${parent.id}`);
    expect(listed.body.items.map((c: { name: string }) => c.name)).toEqual(['Race']);
    const all = await service.http('/v1/categories');
    expect(all.body.items.filter((c: { name: string }) => c.name === rootName)).toHaveLength(1);
  });

  it('validates the body: unknown field and blank name 400, unknown parent 404', async () => {
    const unknownField = await service.http('/v1/categories', {
      token: actors.operator,
      body: { name: 'X', colour: 'red' },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.message).toEqual(expect.arrayContaining(['property colour should not exist']));
    const blank = await service.http('/v1/categories', { token: actors.operator, body: { name: '' } });
    expect(blank.status).toBe(400);
    const spaces = await service.http('/v1/categories', { token: actors.operator, body: { name: '   ' } });
    expect(spaces.status).toBe(400);
    expect(spaces.body.message).toMatch(/must not be blank/);
    const orphan = await service.http('/v1/categories', {
      token: actors.operator,
      body: { name: 'X', parentId: 'no-such-category' },
    });
    expect(orphan.status).toBe(404);
  });

  it('requires an operator token to create (401 without, 403 for a customer); admins may', async () => {
    expect((await service.http('/v1/categories', { body: { name: 'Anon' } })).status).toBe(401);
    const customer = await service.http('/v1/categories', { token: actors.customer, body: { name: 'Cust' } });
    expect(customer.status).toBe(403);
    expect(customer.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'requires role operator' });
    expect(
      (await service.http('/v1/categories', { token: actors.admin, body: { name: unique('Admin') } })).status,
    ).toBe(201);
  });

  it('lists categories and the tree publicly, with leaf flags; one category by id; 404 for an unknown one', async () => {
    const root = await fixtures.category(unique('Home'));
    const kitchen = await fixtures.category('Kitchen', root.id);
    const list = await service.http('/v1/categories');
    expect(list.status).toBe(200);
    const byId = new Map(list.body.items.map((c: { id: string }) => [c.id, c]));
    expect(byId.get(root.id)).toMatchObject({ depth: 1, leaf: false });
    expect(byId.get(kitchen.id)).toMatchObject({ depth: 2, leaf: true, parentId: root.id });

    const tree = await service.http('/v1/categories/tree');
    const node = tree.body.roots.find((r: { id: string }) => r.id === root.id);
    expect(node.children.map((c: { id: string }) => c.id)).toEqual([kitchen.id]);

    expect((await service.http(`/v1/categories/${kitchen.id}`)).body).toMatchObject({
      id: kitchen.id,
      name: 'Kitchen',
    });
    expect((await service.http('/v1/categories/nope')).status).toBe(404);
    expect((await service.http('/v1/categories?colour=red')).status).toBe(400);
  });

  it('refuses to give a subcategory to a category that holds a listed product (422)', async () => {
    const leaf = await fixtures.leafCategory();
    await fixtures.listedProduct(leaf.id);
    const child = await service.http('/v1/categories', {
      token: actors.operator,
      body: { name: 'Sub', parentId: leaf.id },
    });
    expect(child.status).toBe(422);
    expect(child.body.message).toMatch(/has 1 listed product/);
  });
});
