import { Topics } from '@ecom/contracts';
import { SERVICES } from '@ecom/platform';
import { randomSuffix, startTestService, TestService, TopicProbe } from '@ecom/testing';
import { AppModule } from '../app.module';

describe('POST /v1/track (analytics)', () => {
  let service: TestService;
  let probe: TopicProbe;
  let ipCounter = 0;
  // Every test sends from its own client IP (X-Forwarded-For, trusted from the local peer) so the
  // limits do not mix.
  const fromIp = () => ({ 'x-forwarded-for': `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}` });

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.analytics, {
      env: {
        TRACK_RATE_LIMIT_PER_VISITOR: '5',
        TRACK_RATE_LIMIT_PER_IP: '8',
        TRACK_RATE_WINDOW_MS: '60000',
        TRUSTED_PROXIES: '127.0.0.1',
      },
    });
    probe = await TopicProbe.start(service.topicPrefix, [Topics.storefrontBehavior]);
  });
  afterAll(async () => {
    await probe?.stop();
    await service?.close();
  });

  const track = (body: unknown, headers: Record<string, string> = fromIp(), token?: string) =>
    service.http('/v1/track', { body, headers, token });
  const published = (id: string) =>
    probe
      .waitForEvents((events) => events.some((e) => e.id === id), {
        message: `event ${id} on storefront.behavior`,
      })
      .then((events) => events.find((e) => e.id === id)!);

  it('accepts a page view with 202 and publishes PageViewed on storefront.behavior for the visitor', async () => {
    const visitorId = `v-${randomSuffix()}`;
    const before = Date.now();
    const res = await track({ type: 'page_view', visitorId, channel: 'web' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1, ids: [expect.any(String)] });
    const event = await published(res.body.ids[0]);
    expect(event).toMatchObject({
      type: 'PageViewed',
      version: 1,
      source: 'analytics',
      aggregateType: 'Visitor',
      aggregateId: visitorId,
      data: { visitorId, memberId: null, channel: 'web' },
    });
    expect(Date.parse((event.data as { occurredAt: string }).occurredAt)).toBeGreaterThanOrEqual(before - 5);
    expect(event.correlationId).toBeTruthy();
  });

  it("keeps the storefront's occurredAt in the event data (the envelope has the time it was stored)", async () => {
    const visitorId = `v-${randomSuffix()}`;
    const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
    const res = await track({
      type: 'product_view',
      visitorId,
      sku: 'SKU-RED-M',
      occurredAt,
      channel: 'app',
    });
    expect(res.status).toBe(202);
    const event = await published(res.body.ids[0]);
    expect(event.type).toBe('ProductViewed');
    expect(event.data).toEqual({ visitorId, memberId: null, channel: 'app', sku: 'SKU-RED-M', occurredAt });
    expect(Date.parse(event.occurredAt)).toBeGreaterThan(Date.parse(occurredAt) + 3_000_000);
  });

  it('publishes Searched with the query', async () => {
    const visitorId = `v-${randomSuffix()}`;
    const res = await track({ type: 'search', visitorId, query: 'red dress' });
    expect(res.status).toBe(202);
    const event = await published(res.body.ids[0]);
    expect(event).toMatchObject({ type: 'Searched', data: { visitorId, query: 'red dress', channel: null } });
  });

  it.each([
    ['product_view without sku', { type: 'product_view' }, /sku/],
    ['search without query', { type: 'search' }, /query/],
    ['sku on a page view', { type: 'page_view', sku: 'X' }, /sku is only allowed for type product_view/],
    [
      'query on a product view',
      { type: 'product_view', sku: 'X', query: 'q' },
      /query is only allowed for type search/,
    ],
    ['a channel that is not a label', { type: 'page_view', channel: 'Web Shop' }, /channel/],
    ['a channel over 32 characters', { type: 'page_view', channel: 'a'.repeat(33) }, /channel/],
    ['an unknown type', { type: 'click' }, /type/],
    ['an unknown field', { type: 'page_view', referrer: 'x' }, /referrer should not exist/],
    ['a time that is not ISO-8601', { type: 'page_view', occurredAt: 'yesterday' }, /occurredAt/],
    [
      'a time in the future',
      { type: 'page_view', occurredAt: new Date(Date.now() + 3_600_000).toISOString() },
      /future/,
    ],
    [
      'a time older than 7 days',
      { type: 'page_view', occurredAt: new Date(Date.now() - 8 * 86_400_000).toISOString() },
      /older than 7 days/,
    ],
  ])('refuses %s with 400', async (_, fields, message) => {
    const res = await track({ visitorId: `v-${randomSuffix()}`, ...fields });
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(message);
  });

  it('refuses a request without a visitorId with 400', async () => {
    const res = await track({ type: 'page_view' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(/visitorId/);
  });

  it('takes a batch: all events stored and published, ids in request order', async () => {
    const a = `v-${randomSuffix()}`;
    const b = `v-${randomSuffix()}`;
    const res = await service.http('/v1/track/batch', {
      body: {
        events: [
          { type: 'page_view', visitorId: b, channel: 'web' },
          { type: 'product_view', visitorId: a, sku: 'SKU-1' },
          { type: 'search', visitorId: b, query: 'shoes' },
        ],
      },
      headers: fromIp(),
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(3);
    const events = await Promise.all(res.body.ids.map((id: string) => published(id)));
    expect(events.map((e) => [e.type, e.aggregateId])).toEqual([
      ['PageViewed', b],
      ['ProductViewed', a],
      ['Searched', b],
    ]);
    // One stream per visitor: b's two events are sequences n and n+1 of the same stream.
    expect(events[2].sequence).toBe(events[0].sequence + 1);
  });

  it('refuses a whole batch if one event is invalid (naming it), or if it has more than 100 events', async () => {
    const visitorId = `v-${randomSuffix()}`;
    const invalid = await service.http('/v1/track/batch', {
      body: {
        events: [
          { type: 'page_view', visitorId },
          { type: 'product_view', visitorId },
        ],
      },
      headers: fromIp(),
    });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.message)).toMatch(/events\.1\.sku/);
    const tooMany = await service.http('/v1/track/batch', {
      body: { events: Array.from({ length: 101 }, () => ({ type: 'page_view', visitorId })) },
      headers: fromIp(),
    });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body.message)).toMatch(/events must contain no more than 100 elements/);
    const empty = await service.http('/v1/track/batch', { body: { events: [] }, headers: fromIp() });
    expect(empty.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(probe.events().some((e) => e.aggregateId === visitorId)).toBe(false);
  });

  it('rate limits per visitor with 429 (5 per window here), other visitors unaffected', async () => {
    const visitorId = `v-${randomSuffix()}`;
    const ip = fromIp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await track({ type: 'page_view', visitorId }, ip)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const limited = await track({ type: 'page_view', visitorId }, fromIp());
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // Retry-After: the seconds until the 60 s window ends.
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await track({ type: 'page_view', visitorId: `v-${randomSuffix()}` }, ip)).status).toBe(202);
  });

  it('rate limits per client IP with 429 (8 events per window here), counting every event of a batch', async () => {
    const ip = fromIp();
    const batch = await service.http('/v1/track/batch', {
      body: {
        events: Array.from({ length: 7 }, () => ({ type: 'page_view', visitorId: `v-${randomSuffix()}` })),
      },
      headers: ip,
    });
    expect(batch.status).toBe(202);
    expect((await track({ type: 'page_view', visitorId: `v-${randomSuffix()}` }, ip)).status).toBe(202);
    expect((await track({ type: 'page_view', visitorId: `v-${randomSuffix()}` }, ip)).status).toBe(429);
    expect((await track({ type: 'page_view', visitorId: `v-${randomSuffix()}` }, fromIp())).status).toBe(202);
  });

  it('takes the member from the token; a customer may not track for another member (403)', async () => {
    const token = await service.tokens.bearer('member-7', 'customer');
    const visitorId = `v-${randomSuffix()}`;
    const own = await track({ type: 'page_view', visitorId }, fromIp(), token);
    expect(own.status).toBe(202);
    expect((await published(own.body.ids[0])).data).toMatchObject({ memberId: 'member-7' });
    const other = await track({ type: 'page_view', visitorId, memberId: 'member-8' }, fromIp(), token);
    expect(other.status).toBe(403);
    const anonymous = await track({ type: 'page_view', visitorId, memberId: 'member-8' });
    expect(anonymous.status).toBe(202);
  });
});

describe('analytics query API authorization', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(AppModule, SERVICES.analytics);
  });
  afterAll(() => service?.close());

  const paths = [
    ['GET', '/v1/analytics/rfm/segments'],
    ['GET', '/v1/analytics/rfm?segment=champions&limit=10'],
    ['GET', '/v1/analytics/rfm/members/m-1'],
    ['POST', '/v1/analytics/rfm/recompute'],
    ['GET', '/v1/analytics/funnel?from=2026-03-01&to=2026-03-02'],
    ['GET', '/v1/analytics/stock-warnings?type=OUT_OF_STOCK'],
    ['GET', '/v1/analytics/sales?from=2026-03-01&to=2026-03-02&granularity=day'],
    ['GET', '/v1/analytics/products/matrix'],
  ] as const;

  it.each(paths)('%s %s is 401 without a token and 403 for a customer', async (method, path) => {
    expect((await service.http(path, { method })).status).toBe(401);
    const customer = await service.tokens.bearer('c-1', 'customer');
    const res = await service.http(path, { method, token: customer });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ statusCode: 403, message: 'requires role operator' });
  });

  it('answers operators and admins', async () => {
    for (const role of ['operator', 'admin'] as const) {
      const token = await service.tokens.bearer(`${role}-1`, role);
      const res = await service.http('/v1/analytics/rfm/segments', { token });
      expect(res.status).toBe(200);
      expect(res.body.segments).toHaveLength(10);
    }
  });

  it('validates query parameters with 400', async () => {
    const token = await service.tokens.bearer('op-1', 'operator');
    for (const path of [
      '/v1/analytics/funnel?from=2026-3-1',
      '/v1/analytics/funnel?from=2026-03-05&to=2026-03-01',
      '/v1/analytics/funnel?from=2024-01-01&to=2026-03-01',
      '/v1/analytics/funnel?channel=Web!',
      '/v1/analytics/sales?granularity=week',
      '/v1/analytics/stock-warnings?type=LOW',
      '/v1/analytics/rfm?segment=whales',
      '/v1/analytics/rfm?limit=0',
      '/v1/analytics/rfm?unknown=1',
    ]) {
      const res = await service.http(path, { token });
      expect([path, res.status]).toEqual([path, 400]);
    }
  });

  it('serves repeated hot queries from the Redis cache, and a recomputation invalidates the RFM answers', async () => {
    const token = await service.tokens.bearer('op-1', 'operator');
    const path = '/v1/analytics/sales?from=2026-03-01&to=2026-03-02';
    const first = await service.http(path, { token });
    expect(first.headers.get('x-cache')).toBe('miss');
    const second = await service.http(path, { token });
    expect(second.headers.get('x-cache')).toBe('hit');
    expect(second.body).toEqual(first.body);
    expect((await service.http(`${path}&currency=USD`, { token })).headers.get('x-cache')).toBe('miss');

    await service.http('/v1/analytics/rfm/segments', { token });
    expect((await service.http('/v1/analytics/rfm/segments', { token })).headers.get('x-cache')).toBe('hit');
    expect((await service.http('/v1/analytics/rfm/recompute', { method: 'POST', token })).status).toBe(200);
    const after = await service.http('/v1/analytics/rfm/segments', { token });
    expect(after.headers.get('x-cache')).toBe('miss');
    expect(after.body.asOf).not.toBeNull();
  });

  it('answers 404 for a member without a paid order', async () => {
    const token = await service.tokens.bearer('op-1', 'operator');
    const res = await service.http('/v1/analytics/rfm/members/nobody', { token });
    expect(res.status).toBe(404);
  });
});
