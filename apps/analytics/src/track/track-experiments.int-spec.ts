import { Topics } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import { randomSuffix, startTestService, TestService, TopicProbe } from '@ecom/testing';
import { AppModule } from '../app.module';

/** POST /v1/track carries the storefront's A/B assignment onto the behaviour events. */
describe('POST /v1/track with experiments', () => {
  let service: TestService;
  let probe: TopicProbe;
  let ipCounter = 0;
  const fromIp = () => ({ 'x-forwarded-for': `10.1.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}` });

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.analytics, {
      env: { TRUSTED_PROXIES: '127.0.0.1' },
    });
    probe = await TopicProbe.start(service.topicPrefix, [Topics.storefrontBehavior]);
  });
  afterAll(async () => {
    await probe?.stop();
    await service?.close();
  });

  const published = (id: string) =>
    probe
      .waitForEvents((events) => events.some((e) => e.id === id), { message: `event ${id}` })
      .then((events) => events.find((e) => e.id === id)!);

  it('publishes the assignment in the event data, and no field without one', async () => {
    const visitorId = `v-${randomSuffix()}`;
    const res = await service.http('/v1/track/batch', {
      body: {
        events: [
          { type: 'page_view', visitorId, experiments: { checkout_v2: 'B', 'hero.banner': 'control' } },
          { type: 'product_view', visitorId, sku: 'TEE', experiments: { checkout_v2: 'B' } },
          { type: 'search', visitorId, query: 'tee', experiments: {} },
          { type: 'page_view', visitorId },
        ],
      },
      headers: fromIp(),
    });
    expect(res.status).toBe(202);
    const [page, product, search, plain] = await Promise.all(res.body.ids.map(published));
    expect(page.data).toMatchObject({ experiments: { checkout_v2: 'B', 'hero.banner': 'control' } });
    expect(product.data).toMatchObject({ sku: 'TEE', experiments: { checkout_v2: 'B' } });
    expect(Object.keys(search.data)).not.toContain('experiments');
    expect(Object.keys(plain.data)).not.toContain('experiments');
  });

  it.each([
    ['nine experiments', Object.fromEntries([...Array(9).keys()].map((i) => [`e${i}`, 'A'])), /at most 8/],
    ['a key with a space', { 'bad key': 'A' }, /experiments key \\"bad key\\" must be 1-64 characters/],
    ['a variant with a slash', { ok: 'a/b' }, /experiments\.ok must be a variant/],
    ['a key over 64 characters', { ['k'.repeat(65)]: 'A' }, /experiments key/],
    ['a number as variant', { ok: 1 }, /experiments\.ok must be a variant/],
    ['a string', 'checkout_v2=B', /experiments must be an object/],
  ])('refuses %s with 400 naming the field', async (_, experiments, message) => {
    const res = await service.http('/v1/track', {
      body: { type: 'page_view', visitorId: `v-${randomSuffix()}`, experiments },
      headers: fromIp(),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
  });

  it('names the event of a batch whose assignment is wrong', async () => {
    const visitorId = `v-${randomSuffix()}`;
    const res = await service.http('/v1/track/batch', {
      body: {
        events: [
          { type: 'page_view', visitorId, experiments: { ok: 'A' } },
          { type: 'page_view', visitorId, experiments: { ok: 'A B' } },
        ],
      },
      headers: fromIp(),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(/events\.1\.experiments\.ok must be a variant/);
  });
});
