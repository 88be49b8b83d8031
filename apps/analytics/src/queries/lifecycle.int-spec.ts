import { TestService } from '@ecom/testing';
import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { NOW, operatorOnly, refusedNaming, startQueryApi } from '../test/query-api';

/**
 * GET /v1/analytics/lifecycle, /lifecycle/members, /repurchase and /cohorts over the HTTP API:
 * figures over order facts as the projector writes them, worked out by hand; thresholds from the
 * environment; operator only; every bad parameter a 400 naming it. (The figures from events in any
 * delivery order: the projector's lifecycle-order int-spec; the definitions: lifecycle.domain.spec.)
 */
describe('lifecycle, repurchase and cohorts API (analytics)', () => {
  let service: TestService;
  let db: DataSource;
  let operator: string;

  /** A paid order at noon +08:00 of a day, with one line per SKU, refunded by `refunded` (0: not). */
  async function paid(orderId: string, memberId: string, day: string, skus: string[], refunded = 0) {
    await db.query(
      `INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency, method, payment_id)
       VALUES ($1, $2, $3, $3, 'web', $4, $5, 1000, 'CNY', 'card', $6)`,
      [orderId, randomUUID(), memberId, `${day}T12:00:00+08:00`, day, `pay-${orderId}`],
    );
    for (const [i, sku] of skus.entries()) {
      await db.query(
        `INSERT INTO an_order_lines (order_id, line_no, sku, quantity, unit_price, line_total) VALUES ($1, $2, $3, 1, 1000, 1000)`,
        [orderId, i + 1, sku],
      );
    }
    if (refunded > 0) {
      await db.query(
        `INSERT INTO an_refunds (refund_id, event_id, order_id, member_id, amount, currency, cause, issued_at, day)
         VALUES ($1, $2, $3, $4, $5, 'CNY', 'CANCELLATION', $6, '2026-03-10')`,
        [`rf-${orderId}`, randomUUID(), orderId, memberId, refunded, NOW],
      );
    }
  }

  beforeAll(async () => {
    // Thresholds other than the defaults: new within 10 days, active 20, at risk to 90, sleeping to 120.
    service = await startQueryApi({
      LIFECYCLE_NEW_DAYS: '10',
      LIFECYCLE_ACTIVE_DAYS: '20',
      LIFECYCLE_LOST_DAYS: '120',
    });
    db = service.app.get(DataSource);
    operator = await service.tokens.bearer('op-1', 'operator');
    await db.query(
      `INSERT INTO an_products (product_id, category_id) VALUES ('P-T', 'tea'), ('P-C', 'cups')`,
    );
    await db.query(`INSERT INTO an_skus (sku, product_id) VALUES ('T', 'P-T'), ('C', 'P-C')`);
    // As of 03-10 (days before): A 03-05 (5, one order) new; B 02-25 (13, one order) active; C 02-19 (19) and
    // 01-10 active; D 02-18 (20, one order) active: the boundary; E 2026-01-01 (68) at_risk; F 2025-12-10 (90)
    // at_risk; G 2025-11-10 (120) sleeping; H 2025-11-09 (121) lost; I only 03-08 refunded in full: no stage.
    await paid('a1', 'A', '2026-03-05', ['T']);
    await paid('b1', 'B', '2026-02-25', ['T', 'C']);
    await paid('c1', 'C', '2026-01-10', ['T']);
    await paid('c2', 'C', '2026-02-19', ['T', 'T']);
    await paid('d1', 'D', '2026-02-18', ['C']);
    await paid('e1', 'E', '2026-01-01', []);
    await paid('f1', 'F', '2025-12-10', []);
    await paid('g1', 'G', '2025-11-10', []);
    await paid('h1', 'H', '2025-11-09', []);
    await paid('i1', 'I', '2026-03-08', ['C'], 1000);
  });

  afterAll(() => service?.close());

  const get = (path: string, token = operator) => service.http(path, { token });

  it('counts members per stage with the thresholds of the environment', async () => {
    const res = await get('/v1/analytics/lifecycle');
    expect(res.status).toBe(200);
    expect(res.body.asOfDay).toBe('2026-03-10');
    expect(res.body.thresholds).toEqual({ newDays: 10, activeDays: 20, sleepingDays: 90, lostDays: 120 });
    expect(res.body.members).toBe(8);
    expect(res.body.stages.map((s: { stage: string; members: number }) => [s.stage, s.members])).toEqual([
      ['new', 1],
      ['active', 3],
      ['at_risk', 2],
      ['sleeping', 1],
      ['lost', 1],
    ]);
    expect(res.body.stages[1].share).toBe(0.375); // 3 / 8
  });

  it('stages as of an earlier day', async () => {
    // As of 02-20: C's last order 02-19 (1 day, two orders) active; D 02-18 (2, one) new; E 01-01 (50) at_risk;
    // A, B and I not yet buyers.
    const res = await get('/v1/analytics/lifecycle/members?asOf=2026-02-20&limit=3');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ asOfDay: '2026-02-20', stage: null, total: 6, limit: 3, offset: 0 });
    expect(res.body.items).toEqual([
      {
        memberId: 'C',
        stage: 'active',
        orders: 2,
        firstPaidDay: '2026-01-10',
        lastPaidDay: '2026-02-19',
        recencyDays: 1,
      },
      {
        memberId: 'D',
        stage: 'new',
        orders: 1,
        firstPaidDay: '2026-02-18',
        lastPaidDay: '2026-02-18',
        recencyDays: 2,
      },
      {
        memberId: 'E',
        stage: 'at_risk',
        orders: 1,
        firstPaidDay: '2026-01-01',
        lastPaidDay: '2026-01-01',
        recencyDays: 50,
      },
    ]);
  });

  it('lists the members of a stage, most recent first, paged', async () => {
    const res = await get('/v1/analytics/lifecycle/members?stage=active&limit=2&offset=1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stage: 'active', total: 3, limit: 2, offset: 1 });
    // active: B 02-25, C 02-19, D 02-18
    expect(res.body.items.map((m: { memberId: string }) => m.memberId)).toEqual(['C', 'D']);
  });

  it('gives repurchase per category over a range', async () => {
    // 2026-01-01 .. 03-10: tea: A (03-05), B (02-25), C (01-10, 02-19: 40 days; two T lines count once) ->
    // 3 buyers, 1 repurchases, median 40; cups: B, D (I's order refunded in full) -> 2 buyers, none again.
    const res = await get('/v1/analytics/repurchase?from=2026-01-01&to=2026-03-10');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2026-01-01',
      to: '2026-03-10',
      categories: [
        {
          categoryId: 'cups',
          buyers: 2,
          repurchasers: 0,
          repurchaseRate: 0,
          intervals: 0,
          medianDaysBetween: null,
        },
        {
          categoryId: 'tea',
          buyers: 3,
          repurchasers: 1,
          repurchaseRate: 0.3333,
          intervals: 1,
          medianDaysBetween: 40,
        },
      ],
    });
    // The default range is the 365 days to today: the same orders.
    expect((await get('/v1/analytics/repurchase')).body.categories).toEqual(res.body.categories);
  });

  it('gives monthly cohorts and their retention', async () => {
    // First months: G, H 2025-11; F 2025-12; C, E 2026-01 (C again in 02 = k1); B, D 2026-02; A 2026-03.
    const res = await get('/v1/analytics/cohorts?from=2025-11&to=2026-02&months=2');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2025-11', to: '2026-02', asOfDay: '2026-03-10', horizon: 2 });
    expect(res.body.cohorts).toEqual([
      {
        month: '2025-11',
        members: 2,
        retention: [
          { k: 1, month: '2025-12', members: 0, share: 0, complete: true },
          { k: 2, month: '2026-01', members: 0, share: 0, complete: true },
        ],
      },
      {
        month: '2025-12',
        members: 1,
        retention: [
          { k: 1, month: '2026-01', members: 0, share: 0, complete: true },
          { k: 2, month: '2026-02', members: 0, share: 0, complete: true },
        ],
      },
      {
        month: '2026-01',
        members: 2,
        retention: [
          { k: 1, month: '2026-02', members: 1, share: 0.5, complete: true },
          { k: 2, month: '2026-03', members: 0, share: 0, complete: false },
        ],
      },
      {
        month: '2026-02',
        members: 2,
        retention: [{ k: 1, month: '2026-03', members: 0, share: 0, complete: false }],
      },
    ]);
    // By default the twelve months to the current one.
    const defaults = await get('/v1/analytics/cohorts');
    expect(defaults.body).toMatchObject({ from: '2025-04', to: '2026-03', horizon: 12 });
    expect(defaults.body.cohorts).toHaveLength(12);
  });

  it.each([
    ['/v1/analytics/lifecycle?asOf=2026-02-30', 'asOf'],
    ['/v1/analytics/lifecycle?asOf=yesterday', 'asOf'],
    ['/v1/analytics/lifecycle?stage=new', 'stage'],
    ['/v1/analytics/lifecycle/members?stage=dormant', 'stage'],
    ['/v1/analytics/lifecycle/members?limit=0', 'limit'],
    ['/v1/analytics/lifecycle/members?limit=501', 'limit'],
    ['/v1/analytics/lifecycle/members?offset=-1', 'offset'],
    ['/v1/analytics/lifecycle/members?segment=new', 'segment'],
    ['/v1/analytics/repurchase?from=2026-13-01', 'from'],
    ['/v1/analytics/repurchase?to=2026-03', 'to'],
    ['/v1/analytics/repurchase?from=2026-03-10&to=2026-03-01', 'from'],
    ['/v1/analytics/repurchase?from=2025-01-01&to=2026-03-01', 'range'],
    ['/v1/analytics/repurchase?category=tea', 'category'],
    ['/v1/analytics/cohorts?from=2026-13', 'from'],
    ['/v1/analytics/cohorts?to=2026-3', 'to'],
    ['/v1/analytics/cohorts?from=2026-03&to=2026-01', 'from'],
    ['/v1/analytics/cohorts?from=2023-01&to=2026-01', 'from..to'],
    ['/v1/analytics/cohorts?months=0', 'months'],
    ['/v1/analytics/cohorts?months=37', 'months'],
    ['/v1/analytics/cohorts?months=x', 'months'],
    // Year 0 does not exist in the database: refused before it is asked.
    ['/v1/analytics/lifecycle?asOf=0000-01-01', 'asOf'],
    ['/v1/analytics/repurchase?from=0000-01-01&to=0000-02-01', 'from'],
    ['/v1/analytics/cohorts?from=0000-01&to=2026-02', 'from'],
    ['/v1/analytics/cohorts?to=0000-11', 'to'],
  ])('refuses %s with 400 naming %s', refusedNaming(get));

  it.each([
    '/v1/analytics/lifecycle',
    '/v1/analytics/lifecycle/members',
    '/v1/analytics/repurchase',
    '/v1/analytics/cohorts',
  ])(
    '%s is 401 without a token and 403 for a customer',
    operatorOnly(() => service),
  );
});
