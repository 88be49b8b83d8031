import { Topics } from '@ecom/contracts';
import { deleteTestTopics, ServiceProcess, TestService, TopicProbe } from '@ecom/testing';
import { ProjectorSchedules } from './runner/projector-schedules';
import { publishTo } from './test/delivery';
import { cst, EventFactory, topicOf } from './test/event-factory';
import { goldenEvents } from './test/golden-events';
import {
  dataSourceOf,
  freshTopics,
  handledCount,
  startApi,
  startProjector,
  waitForProjection,
} from './test/harness';

/**
 * Golden test: the hand-written scenario of test/golden-events.ts goes through Kafka into the
 * projector; the read models, read through the query API, must equal the figures worked out below.
 * Analytics clock: 2026-03-10 12:00 +08:00 (as-of day 2026-03-10); ANALYTICS_TZ Asia/Shanghai.
 */
describe('analytics golden scenario', () => {
  let projector: TestService;
  let api: ServiceProcess;
  let alerts: TopicProbe;
  let operator: string;
  const events = goldenEvents();

  beforeAll(async () => {
    projector = await startProjector({ topicPrefix: await freshTopics('golden') });
    api = await startApi({
      database: projector.database,
      topicPrefix: projector.topicPrefix,
      tokens: projector.tokens,
    });
    alerts = await TopicProbe.start(projector.topicPrefix, [Topics.analyticsAlerts]);
    operator = await projector.tokens.bearer('ops-1', 'operator');
    // The catalog first, as a shop lists products before stock reaches them: the listed SKUs are out of
    // stock until their first receipt (projected in the other order, those alerts would not be raised).
    const catalog = events.filter((e) => topicOf(e) === Topics.catalog);
    await publishTo(projector.topicPrefix, catalog, 'golden-producer');
    await waitForProjection(dataSourceOf(projector), handledCount(catalog));
    await publishTo(
      projector.topicPrefix,
      events.filter((e) => topicOf(e) !== Topics.catalog),
      'golden-producer',
    );
    await waitForProjection(dataSourceOf(projector), handledCount(events));
    // The scheduled jobs, at the fixed clock: time-based warnings, then RFM through the API.
    await projector.app.get(ProjectorSchedules).reevaluateStockWarnings();
    const recompute = await api.http('/v1/analytics/rfm/recompute', { method: 'POST', token: operator });
    expect(recompute.status).toBe(200);
    expect(recompute.body).toMatchObject({
      asOf: cst('2026-03-10 12:00'),
      asOfDay: '2026-03-10',
      members: 8,
    });
  });
  afterAll(async () => {
    await alerts?.stop();
    await api?.close();
    await projector?.close();
    if (projector) await deleteTestTopics(projector.topicPrefix);
  });

  const get = async (path: string) => {
    const res = await api.http(path, { token: operator });
    expect([path, res.status]).toEqual([path, 200]);
    return res.body;
  };

  describe('RFM', () => {
    // Paid orders per member (amount in minor units), as of 2026-03-10, window = paid 0..364 days before;
    // frequency counts the orders of the window not refunded in full, monetary is net of refunds:
    //  M1: o1a 03-01 20000, o1b 03-02 10000 (5000 refunded for return r1), o1c 03-03 5000
    //      recency 10-3 = 7, frequency 3, monetary 20000+10000+5000-5000 = 30000
    //  M2: o2a 03-02 30000, o2b 03-03 8000 (refunded in full on cancellation: not in frequency)
    //      recency 7 (o2b was paid), frequency 1, monetary 30000+8000-8000 = 30000
    //  M3: o3-old 02-15 7000, o3a 03-01 5000 (its return r2 was rejected: no refund)
    //      recency 9, frequency 2, monetary 12000
    //  M4: 01-29, 01-10, 2025-12-01, 2025-11-01 at 20000; 2025-02-03 99999 is 400 days back (out)
    //      recency 31 (Jan 29 -> Feb 28: 30, -> Mar 10: 10) = 40, frequency 4, monetary 80000
    //  M5: 2025-08-22, 07-01, 06-01, 05-01, 03-11 (364 days back: in) at 9000; 2025-03-10 (365: out)
    //      recency 200, frequency 5, monetary 45000 -> sleeping (200 > 90)
    //  M6: 2025-11-30 2000 -> recency 100, frequency 1, monetary 2000 -> sleeping
    // Imported history, counted at its own payment and refund dates:
    //  M8: io8-b paid 2025-10-01 5000, io8-a paid 2025-11-10 20000 (5000 refunded 11-15), io8-x never paid
    //      recency 120 (Nov 10 -> Dec 10: 30, -> Mar 10: 90), frequency 2, monetary 5000+20000-5000 = 20000 -> sleeping
    //  M9: io9-a paid 03-02 3000 (1000 refunded 03-04) -> recency 8, frequency 1, monetary 2000
    // Scores (n = 8). Recency and monetary: the best value 5, the worst 1, any other value the band of
    // its average rank, floor(5 * (2 * below + tied) / 16) + 1 (below = members with a worse value):
    //  recency: 7 (M1, M2) best -> 5; 8 below 5 -> floor(55/16) + 1 = 4; 9 below 4 -> floor(45/16) + 1 = 3;
    //           40 below 3 -> floor(35/16) + 1 = 3; 100 below 2 -> floor(25/16) + 1 = 2;
    //           120 below 1 -> floor(15/16) + 1 = 1; 200 worst -> 1
    //  frequency, fixed thresholds 2, 3, 4, 5: f = min(frequency, 5)
    //  monetary: 2000 (M6, M9) worst -> 1; 12000 below 2 -> floor(25/16) + 1 = 2; 20000 below 3 -> 3;
    //            30000 (M1, M2) below 4, tied 2 -> floor(50/16) + 1 = 4; 45000 below 6 -> floor(65/16) + 1 = 5;
    //            80000 best -> 5
    // Segments: M1 r5 f3 Potential Loyalists; M2 r5 f1 New Customers; M3 r3 f2 About to Sleep; M4 r3 f4 Loyal
    //           Customers; M9 r4 f1 Promising; M5 r1 f5 Can't Lose Them; M6 r2 f1 and M8 r1 f2 Hibernating.
    const row = (
      memberId: string,
      recencyDays: number,
      frequency: number,
      monetary: number,
      r: number,
      f: number,
      m: number,
      segment: string,
      sleeping: boolean,
      lastPaid: string,
    ) => ({
      memberId,
      recencyDays,
      frequency,
      monetary,
      r,
      f,
      m,
      segment,
      sleeping,
      lastPaidAt: cst(lastPaid),
      currency: 'CNY',
      asOf: cst('2026-03-10 12:00'),
    });
    const M1 = row('M1', 7, 3, 30000, 5, 3, 4, 'Potential Loyalists', false, '2026-03-03 08:04');
    const M2 = row('M2', 7, 1, 30000, 5, 1, 4, 'New Customers', false, '2026-03-03 10:05');
    const M3 = row('M3', 9, 2, 12000, 3, 2, 2, 'About to Sleep', false, '2026-03-01 13:04');
    const M4 = row('M4', 40, 4, 80000, 3, 4, 5, 'Loyal Customers', false, '2026-01-29 12:00');
    const M5 = row('M5', 200, 5, 45000, 1, 5, 5, "Can't Lose Them", true, '2025-08-22 12:00');
    const M6 = row('M6', 100, 1, 2000, 2, 1, 1, 'Hibernating', true, '2025-11-30 12:00');
    const M8 = row('M8', 120, 2, 20000, 1, 2, 3, 'Hibernating', true, '2025-11-10 20:00');
    const M9 = row('M9', 8, 1, 2000, 4, 1, 1, 'Promising', false, '2026-03-02 15:00');

    it('scores each member as worked out by hand, imported history included', async () => {
      for (const expected of [M1, M2, M3, M4, M5, M6, M8, M9]) {
        expect(await get(`/v1/analytics/rfm/members/${expected.memberId}`)).toMatchObject(expected);
      }
    });

    it('lists members best monetary first, by segment and by sleeping', async () => {
      const all = await get('/v1/analytics/rfm?limit=10');
      expect(all.total).toBe(8);
      expect(all.items.map((i: { memberId: string }) => i.memberId)).toEqual([
        'M4',
        'M5',
        'M1',
        'M2',
        'M8',
        'M3',
        'M6',
        'M9',
      ]);
      const loyalists = await get('/v1/analytics/rfm?segment=potential_loyalists');
      expect(loyalists.items).toEqual([expect.objectContaining(M1)]);
      expect((await get('/v1/analytics/rfm?segment=Hibernating')).items).toEqual([
        expect.objectContaining(M8),
        expect.objectContaining(M6),
      ]);
      expect((await get('/v1/analytics/rfm?segment=Champions')).items).toEqual([]);
      expect(
        (await get('/v1/analytics/rfm?sleeping=true')).items.map((i: { memberId: string }) => i.memberId),
      ).toEqual(['M5', 'M8', 'M6']);
      expect(
        (await get('/v1/analytics/rfm?limit=2&offset=2')).items.map((i: { memberId: string }) => i.memberId),
      ).toEqual(['M1', 'M2']);
    });

    it('counts members per segment', async () => {
      const body = await get('/v1/analytics/rfm/segments');
      expect(body).toMatchObject({ asOf: cst('2026-03-10 12:00'), members: 8, sleeping: 3 });
      const counts = Object.fromEntries(
        body.segments.map((s: { segment: string; members: number }) => [s.segment, s.members]),
      );
      expect(counts).toEqual({
        Champions: 0,
        'Loyal Customers': 1,
        'Potential Loyalists': 1,
        'New Customers': 1,
        Promising: 1,
        'Need Attention': 0,
        'About to Sleep': 1,
        'At Risk': 0,
        "Can't Lose Them": 1,
        Hibernating: 2,
      });
      expect(body.segments.find((s: { code: string }) => s.code === 'potential_loyalists').share).toBe(0.125); // 1/8
    });
  });

  describe('funnel', () => {
    // Steps: visit -> product_view -> add_to_cart -> order_placed -> order_paid, each at or after the previous.
    // D1 03-01: v1 all five; v2 visit 10:05, product 10:10 (the 10:00 view was before the visit);
    //           v3 visit 11:00, product 11:10 (its 11:05 add-to-cart came before the product view);
    //           v4 only searched (no visit); v5 all five. -> [4, 4, 2, 2, 2]
    // D2 03-02: v1 all five; v6 visit 10:30, product 10:31 (its cart/order/payment 09:50-10:00 came before);
    //           v7 visit 23:59:59 storefront time (stored an hour later, on D3). -> [3, 2, 1, 1, 1]
    // D3 03-03: v1 all five; v7's product view has no visit that day; v6 ordered without a visit. -> [1, 1, 1, 1, 1]
    // Total [8, 7, 4, 4, 4]: 7/8 = 0.875, 4/7 = 0.5714, 4/4 = 1, 4/4 = 1; from start 0.875, 0.5, 0.5, 0.5.
    // M9's imported order placed and paid on D2 has no visitor: it is in no step.
    const steps = (visitors: number[], fromPrevious: (number | null)[], fromStart: (number | null)[]) =>
      ['visit', 'product_view', 'add_to_cart', 'order_placed', 'order_paid'].map((name, i) => ({
        name,
        visitors: visitors[i],
        conversionFromPrevious: fromPrevious[i],
        conversionFromStart: fromStart[i],
      }));

    it('counts each step per day only after the previous step, and converts', async () => {
      const body = await get('/v1/analytics/funnel?from=2026-03-01&to=2026-03-03');
      expect(body.steps).toEqual(steps([8, 7, 4, 4, 4], [1, 0.875, 0.5714, 1, 1], [1, 0.875, 0.5, 0.5, 0.5]));
      expect(body.days).toEqual([
        { day: '2026-03-01', steps: steps([4, 4, 2, 2, 2], [1, 1, 0.5, 1, 1], [1, 1, 0.5, 0.5, 0.5]) },
        // 2/3 = 0.6667, 1/2 = 0.5, 1/3 = 0.3333
        {
          day: '2026-03-02',
          steps: steps([3, 2, 1, 1, 1], [1, 0.6667, 0.5, 1, 1], [1, 0.6667, 0.3333, 0.3333, 0.3333]),
        },
        { day: '2026-03-03', steps: steps([1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]) },
      ]);
    });

    it('assigns each visitor-day to its first-touch channel', async () => {
      // First event carrying a channel each day: D1 v1 web (cart created 08:59), v2 app (10:00 product view),
      // v3 web, v5 app (cart 13:02; its views had none); D2 v1 web, v6 app (cart 09:50), v7 web; D3 v1 web.
      // web: D1 v1 [1,1,1,1,1] + v3 [1,1,0,0,0], D2 v1 [1,1,1,1,1] + v7 [1,0,0,0,0], D3 v1 [1,1,1,1,1] = [5,4,3,3,3]
      // app: D1 v2 [1,1,0,0,0] + v5 [1,1,1,1,1], D2 v6 [1,1,0,0,0] = [3,3,1,1,1]
      const web = await get('/v1/analytics/funnel?from=2026-03-01&to=2026-03-03&channel=web');
      expect(web.steps).toEqual(steps([5, 4, 3, 3, 3], [1, 0.8, 0.75, 1, 1], [1, 0.8, 0.6, 0.6, 0.6]));
      const app = await get('/v1/analytics/funnel?from=2026-03-01&to=2026-03-03&channel=app');
      expect(app.steps).toEqual(steps([3, 3, 1, 1, 1], [1, 1, 0.3333, 1, 1], [1, 1, 0.3333, 0.3333, 0.3333]));
      expect(app.days[0].steps[0].visitors).toBe(2);
      const all = await get('/v1/analytics/funnel?from=2026-03-01&to=2026-03-03');
      expect(
        all.channels.map((c: { channel: string; steps: { visitors: number }[] }) => [
          c.channel,
          c.steps.map((s) => s.visitors),
        ]),
      ).toEqual([
        ['app', [3, 3, 1, 1, 1]],
        ['web', [5, 4, 3, 3, 3]],
      ]);
      const mini = await get('/v1/analytics/funnel?from=2026-03-01&to=2026-03-03&channel=mini_program');
      expect(mini.steps[0]).toEqual({
        name: 'visit',
        visitors: 0,
        conversionFromPrevious: null,
        conversionFromStart: null,
      });
    });
  });

  describe('daily sales', () => {
    /** No return requests that day; `cohortRate` of the day's paid orders (none returned). */
    const noReturns = (rate: number | null, cohortRate: number | null = rate) => ({
      requested: 0,
      rate,
      byReason: Object.fromEntries(
        ['SIZE_MISMATCH', 'QUALITY', 'DAMAGED_IN_TRANSIT', 'NOT_AS_DESCRIBED', 'OTHER'].map((r) => [
          r,
          { count: 0, rate },
        ]),
      ),
      ordersReturned: 0,
      cohortRate,
    });

    it('reports GMV gross and net, orders, paying members, AOV, UV, conversion, refunds and returns per day', async () => {
      const body = await get('/v1/analytics/sales?from=2026-03-01&to=2026-03-06&granularity=day');
      expect(body).toMatchObject({
        from: '2026-03-01',
        to: '2026-03-06',
        granularity: 'day',
        currency: 'CNY',
        timeZone: 'Asia/Shanghai',
      });
      // UV: visitors with storefront behaviour that day (page view, product view, search); paying
      // visitors: those of them who paid that day. Net GMV: the day's payments minus what was refunded
      // on those orders, whenever. Cohort returns: the day's paid orders with a return not rejected.
      expect(body.days).toEqual([
        // D1: placed o1a, o3a, o6x = 3; paid o1a 20000 + o3a 5000 = 25000 by M1, M3; AOV 25000/2 = 12500;
        //     nothing refunded on them: net 25000; o3a's return r2 was rejected: 0 returned.
        //     UV v1..v5 = 5 (v6 only placed o6x: no behaviour); paying v1, v5 -> 2/5 = 0.4
        {
          day: '2026-03-01',
          gmv: 25000,
          netGmv: 25000,
          ordersPlaced: 3,
          ordersPaid: 2,
          payingMembers: 2,
          averageOrderValue: 12500,
          uv: 5,
          payingVisitors: 2,
          conversion: 0.4,
          refunds: { count: 0, amount: 0 },
          returns: noReturns(0),
        },
        // D2: o2a 30000 (M2) + o1b 10000 (M1) + imported io9-a 3000 (M9) = 43000, AOV 43000/3 = 14333;
        //     net 43000 - 5000 (r1 on o1b, refunded 03-06) - 1000 (io9-a, 03-04) = 37000; o1b returned: 1/3 = 0.3333.
        //     UV v6 (browsed after paying), v1, v7 = 3; paying v6, v1 -> 0.6667 (the imported order has no visitor)
        {
          day: '2026-03-02',
          gmv: 43000,
          netGmv: 37000,
          ordersPlaced: 3,
          ordersPaid: 3,
          payingMembers: 3,
          averageOrderValue: 14333,
          uv: 3,
          payingVisitors: 2,
          conversion: 0.6667,
          refunds: { count: 0, amount: 0 },
          returns: { ...noReturns(0), ordersReturned: 1, cohortRate: 0.3333 },
        },
        // D3: o1c 5000 + o2b 8000 = 13000, AOV 6500; o2b refunded 8000 that day: net 5000.
        //     UV v1, v7 (its product view after midnight) = 2; v6 paid o2b without browsing that day:
        //     paying v1 only -> 1/2 = 0.5
        {
          day: '2026-03-03',
          gmv: 13000,
          netGmv: 5000,
          ordersPlaced: 2,
          ordersPaid: 2,
          payingMembers: 2,
          averageOrderValue: 6500,
          uv: 2,
          payingVisitors: 1,
          conversion: 0.5,
          refunds: { count: 1, amount: 8000 },
          returns: noReturns(0),
        },
        // 03-04: r2 (QUALITY) requested, but rejected: not a return. Nothing paid: AOV, conversion, rates null.
        //        io9-a's imported refund of 1000 counts on its own day.
        {
          day: '2026-03-04',
          gmv: 0,
          netGmv: 0,
          ordersPlaced: 0,
          ordersPaid: 0,
          payingMembers: 0,
          averageOrderValue: null,
          uv: 0,
          payingVisitors: 0,
          conversion: null,
          refunds: { count: 1, amount: 1000 },
          returns: noReturns(null),
        },
        // 03-05: r1 requested (SIZE_MISMATCH); no orders paid that day -> rate null.
        {
          day: '2026-03-05',
          gmv: 0,
          netGmv: 0,
          ordersPlaced: 0,
          ordersPaid: 0,
          payingMembers: 0,
          averageOrderValue: null,
          uv: 0,
          payingVisitors: 0,
          conversion: null,
          refunds: { count: 0, amount: 0 },
          returns: {
            ...noReturns(null),
            requested: 1,
            byReason: { ...noReturns(null).byReason, SIZE_MISMATCH: { count: 1, rate: null } },
          },
        },
        // 03-06: r1 refunded 5000.
        {
          day: '2026-03-06',
          gmv: 0,
          netGmv: 0,
          ordersPlaced: 0,
          ordersPaid: 0,
          payingMembers: 0,
          averageOrderValue: null,
          uv: 0,
          payingVisitors: 0,
          conversion: null,
          refunds: { count: 1, amount: 5000 },
          returns: noReturns(null),
        },
      ]);
      // Period: 8 placed, 7 paid, GMV 81000, net 81000 - 8000 - 1000 - 5000 = 67000 (every refund is of an order
      // paid in the period), AOV 81000/7 = 11571; members M1, M2, M3, M9; UV v1..v7 = 7 distinct (v6 browsed on
      // D2); paying v1, v5, v6 -> 3/7 = 0.4286; refunds 8000 + 1000 + 5000; 1 return request of 7 paid orders =
      // 0.1429, and 1 of the 7 orders paid in the period returned (o1b) = 0.1429.
      expect(body.totals).toEqual({
        gmv: 81000,
        netGmv: 67000,
        ordersPlaced: 8,
        ordersPaid: 7,
        payingMembers: 4,
        averageOrderValue: 11571,
        uv: 7,
        payingVisitors: 3,
        conversion: 0.4286,
        refunds: { count: 3, amount: 14000 },
        returns: {
          requested: 1,
          rate: 0.1429,
          byReason: { ...noReturns(0).byReason, SIZE_MISMATCH: { count: 1, rate: 0.1429 } },
          ordersReturned: 1,
          cohortRate: 0.1429,
        },
      });
    });

    it('keeps conversion at most 1 when payers never browsed', async () => {
      // D3 above: v6 paid without behaviour that day and is in neither UV nor paying visitors. Every day
      // of the scenario: payingVisitors <= uv.
      const body = await get('/v1/analytics/sales?from=2025-03-11&to=2026-03-10');
      for (const d of body.days as { uv: number; payingVisitors: number; conversion: number | null }[]) {
        expect(d.payingVisitors).toBeLessThanOrEqual(d.uv);
        if (d.conversion !== null) expect(d.conversion).toBeLessThanOrEqual(1);
      }
    });
  });

  describe('product matrix', () => {
    it('places SKUs by net units and gross margin against the medians', async () => {
      // Orders paid 03-01..03-06, o2b left out (refunded on cancellation), r1's one B taken back:
      //  A: o1a 1 x 10000                        units 1,  revenue 10000, cost 1 x 6000  -> margin 4000
      //  B: o3a 1 + o1b 2 - r1 1 = 2 x 5000      units 2,  revenue 10000, cost 2 x 1000  -> margin 8000
      //  C: only in o2b (cancelled) and o6x (unpaid)      units 0,  revenue 0, cost 1800   -> margin 0
      //  D: o2a 1 x 30000, no unit cost          units 1,  revenue 30000                 -> no margin, no quadrant
      //  E: o1a 10 + o1c 5 + imported io9-a 3 = 18 x 1000 (its 1000 refund carries no units: not taken back)
      //                                          units 18, revenue 18000, cost 18 x 900  -> margin 1800
      // Medians over A, B, C, E: units [0, 1, 2, 18] -> 1.5; margins [0, 1800, 4000, 8000] -> 2900.
      //  A low units, high margin: profit; B high, high: star; C low, low: slow; E high units, low margin: traffic.
      const body = await get('/v1/analytics/products/matrix?from=2026-03-01&to=2026-03-06');
      expect(body.thresholds).toEqual({ unitsSold: 1.5, grossMargin: 2900 });
      expect(body.items).toEqual([
        {
          sku: 'A',
          productId: 'P1',
          title: 'Red Summer Dress',
          unitsSold: 1,
          revenue: 10000,
          unitCost: 6000,
          grossMargin: 4000,
          marginRate: 0.4,
          quadrant: 'profit',
        },
        {
          sku: 'B',
          productId: 'P1',
          title: 'Red Summer Dress',
          unitsSold: 2,
          revenue: 10000,
          unitCost: 1000,
          grossMargin: 8000,
          marginRate: 0.8,
          quadrant: 'star',
        },
        {
          sku: 'C',
          productId: 'P2',
          title: 'Basics',
          unitsSold: 0,
          revenue: 0,
          unitCost: 1800,
          grossMargin: 0,
          marginRate: null,
          quadrant: 'slow',
        },
        {
          sku: 'D',
          productId: 'P2',
          title: 'Basics',
          unitsSold: 1,
          revenue: 30000,
          unitCost: null,
          grossMargin: null,
          marginRate: null,
          quadrant: null,
        },
        {
          sku: 'E',
          productId: 'P2',
          title: 'Basics',
          unitsSold: 18,
          revenue: 18000,
          unitCost: 900,
          grossMargin: 1800,
          marginRate: 0.1,
          quadrant: 'traffic',
        },
      ]);
    });
  });

  describe('imported order history', () => {
    // Days with imported orders before the reporting days (and M4's live payment of 2025-11-01 among them):
    //  09-30 io8-b placed 23:50; 10-01 io8-b paid 00:10 (5000); 10-20 io8-x placed, never paid;
    //  11-01 o4-3 paid (M4, 20000); 11-10 io8-a placed and paid (20000); 11-15 io8-a refund 5000.
    it('counts placed, paid and refunded on the days of the order history, with no visitors', async () => {
      // Columns: day, placed, paid, gmv, paying members, uv, refunds. Only M4's live payment has a visitor,
      // and no storefront behaviour: no UV.
      const body = await get('/v1/analytics/sales?from=2025-09-30&to=2025-11-15');
      const active = body.days
        .filter(
          (d: { ordersPlaced: number; ordersPaid: number; refunds: { count: number } }) =>
            d.ordersPlaced + d.ordersPaid + d.refunds.count > 0,
        )
        .map((d: Record<string, unknown>) => [
          d.day,
          d.ordersPlaced,
          d.ordersPaid,
          d.gmv,
          d.payingMembers,
          d.uv,
          d.refunds,
        ]);
      expect(active).toEqual([
        ['2025-09-30', 1, 0, 0, 0, 0, { count: 0, amount: 0 }],
        ['2025-10-01', 0, 1, 5000, 1, 0, { count: 0, amount: 0 }],
        ['2025-10-20', 1, 0, 0, 0, 0, { count: 0, amount: 0 }],
        ['2025-11-01', 0, 1, 20000, 1, 0, { count: 0, amount: 0 }],
        ['2025-11-10', 1, 1, 20000, 1, 0, { count: 0, amount: 0 }],
        ['2025-11-15', 0, 0, 0, 0, 0, { count: 1, amount: 5000 }],
      ]);
      expect(body.totals).toMatchObject({
        gmv: 45000,
        // io8-a's 5000 refund (11-15) is of an order paid in the range.
        netGmv: 40000,
        ordersPlaced: 3,
        ordersPaid: 3,
        payingMembers: 2,
        averageOrderValue: 15000,
        // M4 paid on 11-01 without storefront behaviour, the imported payments had no visitor: no UV.
        uv: 0,
        payingVisitors: 0,
        conversion: null,
        refunds: { count: 1, amount: 5000 },
      });
    });

    it('leaves the funnel without a visitor on those days', async () => {
      // (M4's live payment alone reaches no step: the funnel starts at a page view.)
      const body = await get('/v1/analytics/funnel?from=2025-09-30&to=2025-11-15');
      expect(body.steps.map((s: { visitors: number }) => s.visitors)).toEqual([0, 0, 0, 0, 0]);
    });

    it('counts the units of paid imported orders in the product matrix, refunds taking none back', async () => {
      // io8-b 1 x B, io8-a 2 x A (its 5000 refund carries no units); io8-x (C) was never paid.
      const body = await get('/v1/analytics/products/matrix?from=2025-09-30&to=2025-11-15');
      expect(
        body.items.map((i: { sku: string; unitsSold: number; revenue: number }) => [
          i.sku,
          i.unitsSold,
          i.revenue,
        ]),
      ).toEqual([
        ['A', 2, 20000],
        ['B', 1, 5000],
        ['C', 0, 0],
        ['D', 0, 0],
        ['E', 0, 0],
      ]);
    });

    it('makes a member whose last imported payment is 120 days old sleeping', async () => {
      expect(await get('/v1/analytics/rfm/members/M8')).toMatchObject({
        recencyDays: 120,
        frequency: 2,
        monetary: 20000,
        sleeping: true,
        lastPaidAt: cst('2025-11-10 20:00'),
      });
    });
  });

  describe('stock warnings', () => {
    it('leaves the warnings that still hold at the clock, with their figures', async () => {
      // A: safety 5, lead 7; 20 received (batch A-1, expires 03-25), 8 shipped 03-02, 6 shipped 03-03 -> 6 left.
      //    Sold in the 14 days to 03-10 12:00: 14 -> 1/day; cover 6/1 = 6 days < 7: STOCKOUT_RISK (raised 03-03 11:00);
      //    reorder point 1 x 7 + 5 = 12, + 14 days x 1 = 26, - 6 available = 20.
      //    A-1 (6 units left) expires within 30 days: NEAR_EXPIRY in WH1 since its receipt 03-01 08:30.
      // B: 30 + 5 received, 27 written off, 10 received -> 18 on hand (>= safety 10); never shipped or reserved:
      //    sell-through 0 < 5%: SLOW_MOVING since the first receipt 03-01 07:30.
      // C: 4 (C-1, June) + 2 (C-2, 04-05) in WH2, never shipped: SLOW_MOVING; it ended while all 4 were reserved
      //    for o2b (4/4 committed, 03-03 10:00) and came back at the release (12:00): since 03-03 12:00.
      //    C-2 expires within 30 days of 03-10 12:00 (not of its receipt 03-04): NEAR_EXPIRY raised by the schedule.
      // D: listed with P2 on 02-05 11:00 (added 02-01), never stocked: OUT_OF_STOCK since its listing.
      // E: 100 received, 15 shipped -> 15/100 sell-through: nothing.
      const body = await get('/v1/analytics/stock-warnings');
      expect(body).toEqual([
        {
          sku: 'A',
          warehouse: 'WH1',
          type: 'NEAR_EXPIRY',
          available: 6,
          safetyStock: 5,
          daysOfCover: null,
          suggestedReorderQty: null,
          since: cst('2026-03-01 08:30'),
          details: {
            batch: 'A-1',
            expiresAt: cst('2026-03-25 00:00'),
            quantity: 6,
            expiringBatches: 1,
            expired: false,
          },
        },
        {
          sku: 'C',
          warehouse: 'WH2',
          type: 'NEAR_EXPIRY',
          available: 6,
          safetyStock: 0,
          daysOfCover: null,
          suggestedReorderQty: null,
          since: cst('2026-03-10 12:00'),
          details: {
            batch: 'C-2',
            expiresAt: cst('2026-04-05 00:00'),
            quantity: 2,
            expiringBatches: 1,
            expired: false,
          },
        },
        {
          sku: 'D',
          warehouse: null,
          type: 'OUT_OF_STOCK',
          available: 0,
          safetyStock: 0,
          daysOfCover: null,
          suggestedReorderQty: null,
          since: cst('2026-02-05 11:00'),
          details: { onHand: 0, neverStocked: true },
        },
        {
          sku: 'B',
          warehouse: null,
          type: 'SLOW_MOVING',
          available: 18,
          safetyStock: 10,
          daysOfCover: null,
          suggestedReorderQty: null,
          since: cst('2026-03-01 07:30'),
          details: { onHand: 18, unitsSold: 0, unitsReserved: 0, windowDays: 30, sellThrough: 0 },
        },
        {
          sku: 'C',
          warehouse: null,
          type: 'SLOW_MOVING',
          available: 6,
          safetyStock: 0,
          daysOfCover: null,
          suggestedReorderQty: null,
          since: cst('2026-03-03 12:00'),
          details: { onHand: 6, unitsSold: 0, unitsReserved: 0, windowDays: 30, sellThrough: 0 },
        },
        {
          sku: 'A',
          warehouse: null,
          type: 'STOCKOUT_RISK',
          available: 6,
          safetyStock: 5,
          daysOfCover: 6,
          suggestedReorderQty: 20,
          since: cst('2026-03-03 11:00'),
          details: {
            unitsSold: 14,
            windowDays: 14,
            averageDailyUnitsSold: 1,
            leadTimeDays: 7,
            reorderPoint: 12,
          },
        },
      ]);
      expect(await get('/v1/analytics/stock-warnings?type=SLOW_MOVING')).toHaveLength(2);
    });

    it('published every raise and clear on analytics.alerts, keyed by warning', async () => {
      // A: policy before stock -> OUT_OF_STOCK + BELOW_SAFETY_STOCK (03-01 08:00), cleared by the receipt (08:30),
      //    which raises NEAR_EXPIRY WH1 and SLOW_MOVING; the first reservation (03-02 10:00, 8 of 20 committed)
      //    clears SLOW_MOVING; the second shipment (03-03 11:00) raises STOCKOUT_RISK.                      8 events
      // B: OUT_OF_STOCK + BELOW (07:00), cleared at 07:30 with SLOW_MOVING raised; the write-off raises BELOW
      //    (03-02 12:00: 8 < 10), the receipt of 03-04 09:00 clears it.                                        7 events
      // C: listed with P2 (02-05 11:00) before any stock: OUT_OF_STOCK, cleared by its receipt (03-01 06:00),
      //    which raises SLOW_MOVING; the reservation for o2b (03-03 10:00) -> OUT_OF_STOCK and SLOW_MOVING
      //    cleared (sold out is not slow), both back at the release (12:00); NEAR_EXPIRY WH2 by the schedule.  8 events
      // D: listed, never stocked: OUT_OF_STOCK since 02-05 11:00.                                              1 event
      // E: listed before stock: OUT_OF_STOCK (02-05 11:00) cleared by the receipt (03-01 06:00), which raises
      //    SLOW_MOVING; the reservation of 15 (09:30, 15/100 committed) clears it.                            4 events
      const R = (type: string, sku: string, warehouse: string | null, at: string) => [
        'StockWarningRaised',
        type,
        sku,
        warehouse,
        cst(at),
      ];
      const C = (type: string, sku: string, warehouse: string | null, at: string) => [
        'StockWarningCleared',
        type,
        sku,
        warehouse,
        cst(at),
      ];
      const expected = [
        R('OUT_OF_STOCK', 'A', null, '2026-03-01 08:00'),
        R('BELOW_SAFETY_STOCK', 'A', null, '2026-03-01 08:00'),
        C('OUT_OF_STOCK', 'A', null, '2026-03-01 08:30'),
        C('BELOW_SAFETY_STOCK', 'A', null, '2026-03-01 08:30'),
        R('NEAR_EXPIRY', 'A', 'WH1', '2026-03-01 08:30'),
        R('SLOW_MOVING', 'A', null, '2026-03-01 08:30'),
        C('SLOW_MOVING', 'A', null, '2026-03-02 10:00'),
        R('STOCKOUT_RISK', 'A', null, '2026-03-03 11:00'),
        R('OUT_OF_STOCK', 'B', null, '2026-03-01 07:00'),
        R('BELOW_SAFETY_STOCK', 'B', null, '2026-03-01 07:00'),
        C('OUT_OF_STOCK', 'B', null, '2026-03-01 07:30'),
        C('BELOW_SAFETY_STOCK', 'B', null, '2026-03-01 07:30'),
        R('SLOW_MOVING', 'B', null, '2026-03-01 07:30'),
        R('BELOW_SAFETY_STOCK', 'B', null, '2026-03-02 12:00'),
        C('BELOW_SAFETY_STOCK', 'B', null, '2026-03-04 09:00'),
        R('OUT_OF_STOCK', 'C', null, '2026-02-05 11:00'),
        C('OUT_OF_STOCK', 'C', null, '2026-03-01 06:00'),
        R('SLOW_MOVING', 'C', null, '2026-03-01 06:00'),
        R('OUT_OF_STOCK', 'C', null, '2026-03-03 10:00'),
        C('SLOW_MOVING', 'C', null, '2026-03-03 10:00'),
        C('OUT_OF_STOCK', 'C', null, '2026-03-03 12:00'),
        R('SLOW_MOVING', 'C', null, '2026-03-03 12:00'),
        R('NEAR_EXPIRY', 'C', 'WH2', '2026-03-10 12:00'),
        R('OUT_OF_STOCK', 'D', null, '2026-02-05 11:00'),
        R('OUT_OF_STOCK', 'E', null, '2026-02-05 11:00'),
        C('OUT_OF_STOCK', 'E', null, '2026-03-01 06:00'),
        R('SLOW_MOVING', 'E', null, '2026-03-01 06:00'),
        C('SLOW_MOVING', 'E', null, '2026-03-01 09:30'),
      ];
      const published = await alerts.waitForEvents((e) => e.length >= expected.length, {
        message: `${expected.length} alerts`,
      });
      const seen = published.map((e) => {
        const d = e.data as {
          type: string;
          sku: string;
          warehouse: string | null;
          since?: string;
          clearedAt?: string;
        };
        return [e.type, d.type, d.sku, d.warehouse, d.since ?? d.clearedAt];
      });
      const order = (rows: unknown[][]) =>
        [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      expect(order(seen)).toEqual(order(expected));
      // One stream per warning, in order: A's OUT_OF_STOCK stream is raise (1) then clear (2).
      const aOut = published.filter((e) => e.aggregateId === 'OUT_OF_STOCK:A:*');
      expect(aOut.map((e) => [e.type, e.sequence])).toEqual([
        ['StockWarningRaised', 1],
        ['StockWarningCleared', 2],
      ]);
      const raise = published.find((e) => e.aggregateId === 'STOCKOUT_RISK:A:*')!;
      expect(raise).toMatchObject({ source: 'analytics-projector', aggregateType: 'StockWarning' });
      expect(raise.data).toEqual({
        sku: 'A',
        warehouse: null,
        type: 'STOCKOUT_RISK',
        available: 6,
        safetyStock: 5,
        daysOfCover: 6,
        suggestedReorderQty: 20,
        since: cst('2026-03-03 11:00'),
      });
    });
  });

  it('counts behaviour tracked through POST /v1/track (API -> storefront.behavior -> projector)', async () => {
    // The API's clock is the fixed one too (03-10 12:00), so 03-09 is within the 7 days a client may backdate.
    const res = await api.http('/v1/track/batch', {
      body: {
        events: [
          { type: 'page_view', visitorId: 'tracked-1', channel: 'app', occurredAt: cst('2026-03-09 20:00') },
          {
            type: 'product_view',
            visitorId: 'tracked-1',
            sku: 'A',
            channel: 'app',
            occurredAt: cst('2026-03-09 20:01'),
          },
          { type: 'search', visitorId: 'tracked-2', query: 'socks', occurredAt: cst('2026-03-09 21:00') },
        ],
      },
    });
    expect(res.status).toBe(202);
    const dataSource = dataSourceOf(projector);
    await waitForProjection(dataSource, handledCount(events) + 3);
    const funnel = await get('/v1/analytics/funnel?from=2026-03-09&to=2026-03-09&channel=app');
    expect(funnel.steps.map((s: { visitors: number }) => s.visitors)).toEqual([1, 1, 0, 0, 0]);
    const sales = await get('/v1/analytics/sales?from=2026-03-09&to=2026-03-09');
    expect(sales.totals).toMatchObject({ uv: 2, payingVisitors: 0, conversion: 0 });
  });

  it('reports the projector lag in /health/ready and on /metrics', async () => {
    const ready = await projector.http('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.projector).toMatchObject({
      status: 'up',
      state: 'consuming',
      generation: 1,
      consumer: 'analytics-projector',
      lagEvents: 0,
    });
    expect(ready.body.info.projector.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(ready.body.info.projector.lastEventAt)).not.toBeNaN();
    const metrics = await projector.http('/metrics');
    expect(metrics.body).toMatch(/analytics_projector_lag_events\{consumer="analytics-projector"\} 0/);
    expect(metrics.body).toMatch(/analytics_projector_lag_seconds\{consumer="analytics-projector"\} \d+/);
    expect(metrics.body).toMatch(/kafka_consumer_lag_messages\{consumer="analytics-projector"/);
  });

  it('scores a member paid since the last recomputation at once, against its cut points', async () => {
    const paid = new EventFactory().make(
      'OrderPaid',
      {
        orderId: 'o7',
        memberId: 'M7',
        visitorId: 'M7',
        channel: null,
        amount: 4200,
        currency: 'CNY',
        method: 'card',
        paymentId: 'pay-o7',
      },
      cst('2026-03-08 18:00'),
    );
    await publishTo(projector.topicPrefix, [paid], 'golden-late');
    await waitForProjection(dataSourceOf(projector), handledCount(events) + 3 + 1);
    // As of the clock (03-10): recency 2 days, one order, 4200. Cut points of the recomputation above:
    // r=5 from the last paid day 03-03 on (M1, M2): 03-08 -> 5; f=1 for one order; m=2 from 12000 (M3): 4200 -> 1.
    // r5 f1: New Customers, in the projector's batch, before any recomputation.
    expect(await get('/v1/analytics/rfm/members/M7')).toEqual({
      memberId: 'M7',
      recencyDays: 2,
      frequency: 1,
      monetary: 4200,
      r: 5,
      f: 1,
      m: 1,
      segment: 'New Customers',
      segmentCode: 'new_customers',
      sleeping: false,
      tier: null,
      lastPaidAt: cst('2026-03-08 18:00'),
      currency: 'CNY',
      asOf: cst('2026-03-10 12:00'),
    });
    const segments = await get('/v1/analytics/rfm/segments');
    expect(segments.members).toBe(9);
    expect(segments.segments.find((x: { code: string }) => x.code === 'new_customers').members).toBe(2);
  });
});
