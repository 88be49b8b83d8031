import { ExperimentQueries, snapshotReadModels } from '@ecom/analytics-read-models';
import { EventEnvelope } from '@ecom/contracts';
import {
  createTestDatabase,
  deleteTestTopics,
  ServiceProcess,
  TestDatabase,
  TestService,
} from '@ecom/testing';
import { DataSource } from 'typeorm';
import { ProjectorSchedules } from '../runner/projector-schedules';
import {
  DirectProjection,
  forEveryDelivery,
  permuted,
  publishTo,
  rebuildFromTopics,
  withRedeliveries,
} from '../test/delivery';
import { cst, EventFactory } from '../test/event-factory';
import { freshTopics, openDataSource, startApi, startProjector, waitForEvents } from '../test/harness';

const pad = (i: number) => String(i).padStart(3, '0');

/**
 * The A/B scenario, worked out by hand (times are Asia/Shanghai wall times, ANALYTICS_TZ):
 *
 * checkout_v2
 *  - control: c001..c100 view a page on 03-01 (every third also a product on 03-03, same variant).
 *  - B: b001..b099 view a page on 03-02; b100 first sent control (stored 03-02 10:00, happened 10:00),
 *    then a product view the storefront says happened at 09:00 with B (stored 12:00): its earliest
 *    event by the time it happened says B, so b100 is a B visitor (and no control visitor).
 *  - orders: c001..c009 one order each, 10000 CNY, paid 03-03; c010 one order of 5000 USD paid 03-03
 *    (converts; not in CNY revenue); c011 an order that carried B, paid (the visitor is control: it
 *    counts for neither); c012 an order never paid; c013 a paid order without experiments.
 *    b001..b020 one order each, 12000 CNY, paid 03-04 except b020's, paid 03-06; b001 a second
 *    order of 6000 paid 03-04.
 * banner (no variant named control: the control is x, the first in code-point order)
 *  - x: z1, z2 on 03-01, z3 on 03-07; y: z4, z5 on 03-02; z4 pays an order of 3000 carrying banner=y.
 */
function experimentEvents(): EventEnvelope[] {
  const f = new EventFactory();
  const view = (visitorId: string, experiments: Record<string, string>, at: string, storedAt = at) =>
    f.make(
      'PageViewed',
      { visitorId, memberId: null, channel: 'web', occurredAt: cst(at), experiments },
      cst(storedAt),
    );
  const productView = (visitorId: string, experiments: Record<string, string>, at: string, storedAt = at) =>
    f.make(
      'ProductViewed',
      { visitorId, memberId: null, channel: 'web', sku: 'SKU-AB', occurredAt: cst(at), experiments },
      cst(storedAt),
    );
  const order = (
    orderId: string,
    visitorId: string,
    experiments: Record<string, string> | undefined,
    amount: number,
    currency: string,
    placedAt: string,
    paidAt: string | null,
  ) => {
    const memberId = `m-${visitorId}`;
    f.make(
      'OrderPlaced',
      {
        orderId,
        memberId,
        visitorId,
        channel: 'web',
        cartId: null,
        lines: [{ sku: 'SKU-AB', quantity: 1, unitPrice: amount, lineTotal: amount }],
        total: amount,
        currency,
        shippingRegion: null,
        ...(experiments ? { experiments } : {}),
      },
      cst(placedAt),
    );
    if (paidAt) {
      f.make(
        'OrderPaid',
        {
          orderId,
          memberId,
          visitorId,
          channel: 'web',
          amount,
          currency,
          method: 'card',
          paymentId: `pay-${orderId}`,
        },
        cst(paidAt),
      );
    }
  };

  for (let i = 1; i <= 100; i++) {
    const c = `c${pad(i)}`;
    view(
      c,
      { checkout_v2: 'control' },
      `2026-03-01 ${10 + Math.floor(i / 60)}:${String(i % 60).padStart(2, '0')}`,
    );
    if (i % 3 === 0) productView(c, { checkout_v2: 'control' }, '2026-03-03 09:00');
  }
  for (let i = 1; i <= 99; i++) {
    view(
      `b${pad(i)}`,
      { checkout_v2: 'B' },
      `2026-03-02 ${10 + Math.floor(i / 60)}:${String(i % 60).padStart(2, '0')}`,
    );
  }
  view('b100', { checkout_v2: 'control' }, '2026-03-02 10:00');
  productView('b100', { checkout_v2: 'B' }, '2026-03-02 09:00', '2026-03-02 12:00');

  view('z1', { banner: 'x' }, '2026-03-01 08:00');
  view('z2', { banner: 'x' }, '2026-03-01 08:30');
  view('z3', { banner: 'x' }, '2026-03-07 08:00');
  view('z4', { banner: 'y' }, '2026-03-02 08:00');
  view('z5', { banner: 'y' }, '2026-03-02 08:10');

  const control = { checkout_v2: 'control' };
  for (let i = 1; i <= 9; i++)
    order(`oc${pad(i)}`, `c${pad(i)}`, control, 10000, 'CNY', '2026-03-03 10:00', '2026-03-03 10:05');
  order('oc010', 'c010', control, 5000, 'USD', '2026-03-03 10:00', '2026-03-03 10:05');
  order('oc011', 'c011', { checkout_v2: 'B' }, 8000, 'CNY', '2026-03-03 10:00', '2026-03-03 10:05');
  order('oc012', 'c012', control, 10000, 'CNY', '2026-03-03 10:00', null);
  order('oc013', 'c013', undefined, 10000, 'CNY', '2026-03-03 10:00', '2026-03-03 10:05');
  for (let i = 1; i <= 20; i++) {
    const paid = i === 20 ? '2026-03-06 10:05' : '2026-03-04 10:05';
    order(`ob${pad(i)}`, `b${pad(i)}`, { checkout_v2: 'B' }, 12000, 'CNY', '2026-03-04 10:00', paid);
  }
  order('ob001-2', 'b001', { checkout_v2: 'B' }, 6000, 'CNY', '2026-03-04 11:00', '2026-03-04 11:05');
  order('oz4', 'z4', { banner: 'y' }, 3000, 'CNY', '2026-03-02 09:00', '2026-03-02 09:05');
  return f.events;
}

const FULL = 'from=2026-03-01&to=2026-03-10';

/** The figures of the scenario above, as the readout answers them for from=03-01&to=03-10. */
const CHECKOUT_VARIANTS = [
  // 20 converted: b001..b020; 21 paid orders (b001 paid twice) for 20 x 12000 + 6000 = 246000;
  // AOV 246000 / 21 = 11714.29 -> 11714; per visitor 246000 / 100 = 2460.
  {
    variant: 'B',
    visitors: 100,
    convertedVisitors: 20,
    paidOrders: 21,
    revenue: 246000,
    conversion: 0.2,
    averageOrderValue: 11714,
    revenuePerVisitor: 2460,
  },
  // 10 converted: c001..c010 (c010 paid in USD: converted, but not among the CNY orders and revenue).
  {
    variant: 'control',
    visitors: 100,
    convertedVisitors: 10,
    paidOrders: 9,
    revenue: 90000,
    conversion: 0.1,
    averageOrderValue: 10000,
    revenuePerVisitor: 900,
  },
];

describe('A/B test readouts through the projector', () => {
  let database: TestDatabase;
  let prefix: string;
  let projector: TestService | undefined;
  let api: ServiceProcess;
  let operator: string;
  let live: Record<string, unknown[]>;
  const events = experimentEvents();

  beforeAll(async () => {
    database = await createTestDatabase('analytics_experiments');
    prefix = await freshTopics('experiments');
    projector = await startProjector({ database, topicPrefix: prefix });
    api = await startApi({ database, topicPrefix: prefix, tokens: projector.tokens });
    operator = await projector.tokens.bearer('ops-1', 'operator');
    await publishTo(prefix, events, 'experiments-producer');
    const dataSource = projector.app.get(DataSource);
    await waitForEvents(dataSource, events);
    const schedules = projector.app.get(ProjectorSchedules);
    await schedules.reevaluateStockWarnings();
    await schedules.recomputeRfm();
    live = await snapshotReadModels(dataSource);
  });
  afterAll(async () => {
    await api?.close();
    await projector?.close();
    await database?.drop().catch(() => undefined);
    if (prefix) await deleteTestTopics(prefix).catch(() => undefined);
  });

  const get = async (path: string, status = 200) => {
    const res = await api.http(path, { token: operator });
    expect([path, res.status]).toEqual([path, status]);
    return res.body;
  };

  it('reads out checkout_v2 as worked out by hand, with the textbook two-proportion z-test', async () => {
    const body = await get(`/v1/analytics/experiments/checkout_v2?${FULL}`);
    expect(body).toMatchObject({
      experiment: 'checkout_v2',
      from: '2026-03-01',
      to: '2026-03-10',
      currency: 'CNY',
      control: 'control',
      variants: CHECKOUT_VARIANTS,
    });
    // 10/100 against 20/100: pooled p = 30/200 = 0.15, SE = sqrt(0.15 x 0.85 x (1/100 + 1/100)) = 0.0504975,
    // z = 0.1 / 0.0504975 = 1.98030, two-sided p = 2 x (1 - Phi(1.98030)) = 0.04767: significant at 0.05.
    // Wald interval: SE = sqrt(0.1 x 0.9 / 100 + 0.2 x 0.8 / 100) = 0.05 -> 0.1 -+ 0.0979982.
    expect(body.comparisons).toHaveLength(1);
    const [b] = body.comparisons;
    expect(b).toMatchObject({
      variant: 'B',
      control: 'control',
      significant: true,
      sampleTooSmall: false,
      sampleTooSmallReasons: [],
    });
    expect(b.absoluteDifference).toBeCloseTo(0.1, 9);
    expect(b.relativeDifference).toBeCloseTo(1, 9);
    expect(b.z).toBeCloseTo(1.9803, 4);
    expect(b.pValue).toBeCloseTo(0.04767, 5);
    expect(b.confidenceLevel).toBe(0.95);
    expect(b.confidenceLower).toBeCloseTo(0.0020018, 7);
    expect(b.confidenceUpper).toBeCloseTo(0.1979982, 7);
  });

  it('counts only the orders paid in the range', async () => {
    // b020's only order was paid on 03-06: 19 B conversions, 20 paid orders, 234000.
    const body = await get('/v1/analytics/experiments/checkout_v2?from=2026-03-01&to=2026-03-05');
    expect(body.variants[0]).toMatchObject({
      variant: 'B',
      visitors: 100,
      convertedVisitors: 19,
      paidOrders: 20,
      revenue: 234000,
    });
    expect(body.variants[1]).toEqual(CHECKOUT_VARIANTS[1]);
  });

  it('says when the sample is too small, and takes another control when asked', async () => {
    // x: 3 visitors, none converted; y: 2 visitors, z4 converted (3000). pooled p = 1/5 = 0.2,
    // SE = sqrt(0.2 x 0.8 x (1/3 + 1/2)) = 0.365148, z = 0.5 / 0.365148 = 1.36931, p = 0.1709.
    const body = await get(`/v1/analytics/experiments/banner?${FULL}`);
    expect(body.control).toBe('x');
    expect(body.variants.map((v: { variant: string; visitors: number }) => [v.variant, v.visitors])).toEqual([
      ['x', 3],
      ['y', 2],
    ]);
    const [y] = body.comparisons;
    expect(y).toMatchObject({
      variant: 'y',
      control: 'x',
      relativeDifference: null,
      significant: false,
      sampleTooSmall: true,
      sampleTooSmallReasons: [
        'x: 3 visitors, fewer than 100',
        'x: 0 conversions, fewer than 5',
        'x: 3 non-conversions, fewer than 5',
        'y: 2 visitors, fewer than 100',
        'y: 1 conversions, fewer than 5',
        'y: 1 non-conversions, fewer than 5',
      ],
    });
    expect(y.z).toBeCloseTo(1.36931, 5);
    expect(y.pValue).toBeCloseTo(0.1709, 4);
    // Visitors by the day of their first exposure: z3 (03-07) is outside 03-01..03-05.
    const early = await get('/v1/analytics/experiments/banner?from=2026-03-01&to=2026-03-05');
    expect(early.variants[0]).toMatchObject({ variant: 'x', visitors: 2 });
    const againstY = await get(`/v1/analytics/experiments/banner?${FULL}&control=y`);
    expect(againstY.control).toBe('y');
    expect(againstY.comparisons[0]).toMatchObject({ variant: 'x', control: 'y', relativeDifference: -1 });
    expect(againstY.comparisons[0].absoluteDifference).toBeCloseTo(-0.5, 9);
  });

  it('lists the experiments seen with their variants and visitors', async () => {
    expect(await get('/v1/analytics/experiments')).toEqual({
      from: null,
      to: null,
      experiments: [
        {
          experiment: 'banner',
          visitors: 5,
          firstSeenAt: cst('2026-03-01 08:00'),
          lastSeenAt: cst('2026-03-07 08:00'),
          variants: [
            { variant: 'x', visitors: 3 },
            { variant: 'y', visitors: 2 },
          ],
        },
        {
          experiment: 'checkout_v2',
          visitors: 200,
          firstSeenAt: cst('2026-03-01 10:01'),
          lastSeenAt: cst('2026-03-02 11:39'),
          variants: [
            { variant: 'B', visitors: 100 },
            { variant: 'control', visitors: 100 },
          ],
        },
      ],
    });
    const early = await get('/v1/analytics/experiments?from=2026-03-01&to=2026-03-01');
    expect(
      early.experiments.map((e: { experiment: string; visitors: number }) => [e.experiment, e.visitors]),
    ).toEqual([
      ['banner', 2],
      ['checkout_v2', 100],
    ]);
  });

  it('answers 400 naming the field, and 404 for an experiment never seen', async () => {
    const bad = async (path: string, message: RegExp) => {
      const body = await get(path, 400);
      expect(JSON.stringify(body.message)).toMatch(message);
    };
    await bad('/v1/analytics/experiments/bad%20key', /key must be 1-64 characters/);
    await bad(
      '/v1/analytics/experiments/checkout_v2?control=nope',
      /control nope is not a variant of checkout_v2/,
    );
    await bad('/v1/analytics/experiments/checkout_v2?control=a%2Fb', /control must be 1-64 characters/);
    await bad('/v1/analytics/experiments/checkout_v2?variant=B', /variant should not exist/);
    await bad(
      '/v1/analytics/experiments/checkout_v2?from=2026-03-05&to=2026-03-01',
      /from must not be after to/,
    );
    await bad('/v1/analytics/experiments/checkout_v2?currency=cny', /currency/);
    await bad('/v1/analytics/experiments?control=x', /control should not exist/);
    const missing = await get('/v1/analytics/experiments/never_run', 404);
    expect(missing.code).toBe('EXPERIMENT_NOT_FOUND');
  });

  it('answers operators only: 401 without a token, 403 for a customer', async () => {
    const customer = await projector!.tokens.bearer('c-1', 'customer');
    for (const path of ['/v1/analytics/experiments', `/v1/analytics/experiments/checkout_v2?${FULL}`]) {
      expect([path, (await api.http(path)).status]).toEqual([path, 401]);
      expect([path, (await api.http(path, { token: customer })).status]).toEqual([path, 403]);
    }
  });

  it('comes out the same for any delivery order, with redeliveries and batch cuts (handler level)', async () => {
    const service = projector!;
    const dataSource = service.app.get(DataSource);
    const queries = new ExperimentQueries(dataSource);
    const direct = DirectProjection.open(service, 'experiments-test');
    const range = { from: '2026-03-01', to: '2026-03-10', currency: 'CNY' };
    const figures = async () => ({
      visitors: await dataSource.query(
        `SELECT experiment, visitor_id, variant, first_seen_at, first_event_id, day::text AS day
           FROM an_experiment_visitors ORDER BY experiment, visitor_id`,
      ),
      orders: await dataSource.query(`SELECT * FROM an_experiment_orders ORDER BY order_id, experiment`),
      checkout: await queries.readout({ experiment: 'checkout_v2', ...range }),
      banner: await queries.readout({ experiment: 'banner', ...range }),
      list: await queries.list(),
    });
    const project = async (sequence: readonly EventEnvelope[], cuts: readonly number[]) => {
      await direct.replay(sequence, cuts);
      return figures();
    };
    try {
      // The reference: the events in the order they were made, as the live projector read them.
      const reference = await project(events, [50]);
      expect(reference.visitors).toHaveLength(205);
      expect(reference.checkout).toMatchObject({ found: true, view: { variants: CHECKOUT_VARIANTS } });
      // b100's later-happened control event was made first: its row still says B.
      expect(reference.visitors.find((r: { visitor_id: string }) => r.visitor_id === 'b100')).toMatchObject({
        variant: 'B',
        first_seen_at: new Date(cst('2026-03-02 09:00')),
      });
      const n = events.length;
      await forEveryDelivery(
        n,
        { redeliveries: 40, maxCut: 80, maxCuts: 8 },
        { numRuns: 8, seed: 20261202 },
        async ({ permutation, redelivered, cuts }) => {
          // Any order at all (stricter than Kafka, which keeps each visitor's and order's stream in order).
          const sequence = permuted(events, permutation);
          expect(await project(withRedeliveries(sequence, redelivered), cuts)).toEqual(reference);
        },
      );
      // Reversed: b100's B event comes before its control one, OrderPaid before OrderPlaced.
      expect(await project([...events].reverse(), [13])).toEqual(reference);
    } finally {
      await direct.close();
    }
  }, 300_000);

  it('a rebuild from the topics equals the live read models', async () => {
    // The rebuild takes the projector lock exclusively: the live projector stops first.
    await projector?.close();
    projector = undefined;
    const observer = await openDataSource(database);
    try {
      // Scribble on the read models: the rebuild must not care what was there.
      await observer.query(`UPDATE an_experiment_visitors SET variant = 'scribbled'`);
      await observer.query(`DELETE FROM an_experiment_orders WHERE order_id = 'ob001'`);
      const result = await rebuildFromTopics({ database, topicPrefix: prefix });
      expect(result.events).toBe(events.length);
      const rebuilt = await snapshotReadModels(observer);
      expect(rebuilt.an_experiment_visitors).toHaveLength(205);
      expect(rebuilt.an_experiment_orders).toEqual(live.an_experiment_orders);
      expect(rebuilt).toEqual(live);
      expect(
        await new ExperimentQueries(observer).counts({
          experiment: 'checkout_v2',
          from: '2026-03-01',
          to: '2026-03-10',
          currency: 'CNY',
        }),
      ).toEqual(
        CHECKOUT_VARIANTS.map(({ variant, visitors, convertedVisitors, paidOrders, revenue }) => ({
          variant,
          visitors,
          convertedVisitors,
          paidOrders,
          revenue,
        })),
      );
    } finally {
      await observer.destroy();
    }
  }, 180_000);
});
