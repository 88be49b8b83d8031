import { addDays, loadDailyRefundUnits, loadRefundUnits } from '@ecom/analytics-read-models';
import { EventEnvelope, Topics } from '@ecom/contracts';
import { createTestDatabase, deleteTestTopics, TestDatabase, TestService, TopicProbe } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { publishTo, rebuildFromTopics } from '../test/delivery';
import { evaluateSteps } from '../test/anomaly-steps';
import { cst, EventFactory } from '../test/event-factory';
import { freshTopics, openDataSource, startProjector, waitForEvents } from '../test/harness';

/**
 * The refund-rate alert per SKU and the payment-failure burst alert, end to end: events through Kafka,
 * the schedule's evaluation at three instants of the clock, the alerts on analytics.alerts and in
 * an_anomaly_alerts, worked out by hand; the same rows with the events reordered and redelivered.
 *
 * MUG: 5 orders of 5 units paid 02-20 (25 units); one order cancelled after payment 02-22 (5 units
 * refunded: 20 %, not above the 20 % limit), a return of 1 unit refunded 02-25 (6 of 25: 24 %, raised
 * on 02-25); 10 more orders of 5 units paid 03-01 (6 of 75: 8 %, cleared on 03-01).
 * TEE: 4 orders of 10 units paid 02-20, a return of 8 units refunded 02-23: 8 of 40 is exactly 20 %.
 * Payment failures on 03-01: 25 in 10:00-10:10 (above 20: a burst), 3 in 10:10-10:20 (cleared), 20 in
 * 10:20-10:30 (not above 20).
 */
function limitScenario(): EventEnvelope[] {
  const f = new EventFactory();
  const paid = (orderId: string, sku: string, units: number, at: string) => {
    const line = { sku, quantity: units, unitPrice: 1000, lineTotal: units * 1000 };
    const common = { orderId, memberId: 'm-1', visitorId: 'v-1', channel: 'web' };
    f.make(
      'OrderPlaced',
      {
        ...common,
        cartId: null,
        lines: [line],
        total: line.lineTotal,
        currency: 'CNY',
        shippingRegion: null,
      },
      at,
    );
    f.make(
      'OrderPaid',
      { ...common, amount: line.lineTotal, currency: 'CNY', method: 'card', paymentId: `p-${orderId}` },
      at,
    );
  };
  const refund = (orderId: string, returnId: string | null, amount: number, at: string) =>
    f.make(
      'RefundIssued',
      {
        orderId,
        memberId: 'm-1',
        refundId: `r-${orderId}`,
        returnId,
        amount,
        currency: 'CNY',
        cause: returnId ? 'RETURN' : 'CANCELLATION',
      },
      at,
    );
  const returned = (orderId: string, returnId: string, sku: string, units: number, at: string) =>
    f.make(
      'ReturnRequested',
      {
        orderId,
        returnId,
        memberId: 'm-1',
        reason: 'QUALITY',
        lines: [{ sku, quantity: units }],
        amount: units * 1000,
        currency: 'CNY',
      },
      at,
    );
  for (let i = 1; i <= 5; i++) paid(`o-mug-${i}`, 'MUG', 5, cst('2026-02-20 10:00'));
  for (let i = 1; i <= 4; i++) paid(`o-tee-${i}`, 'TEE', 10, cst('2026-02-20 11:00'));
  refund('o-mug-1', null, 5000, cst('2026-02-22 09:00'));
  returned('o-tee-1', 'ret-tee-1', 'TEE', 8, cst('2026-02-21 09:00'));
  refund('o-tee-1', 'ret-tee-1', 8000, cst('2026-02-23 09:00'));
  returned('o-mug-2', 'ret-mug-2', 'MUG', 1, cst('2026-02-24 09:00'));
  refund('o-mug-2', 'ret-mug-2', 1000, cst('2026-02-25 09:00'));
  for (let i = 6; i <= 15; i++) paid(`o-mug-${i}`, 'MUG', 5, cst('2026-03-01 09:00'));
  const failures = (n: number, minute: number) => {
    for (let i = 0; i < n; i++) {
      f.make(
        'PaymentFailed',
        {
          orderId: `o-fail-${minute}-${i}`,
          memberId: 'm-2',
          amount: 1000,
          currency: 'CNY',
          method: 'card',
          reason: 'declined',
        },
        cst(`2026-03-01 10:${String(minute + (i % 9)).padStart(2, '0')}`),
      );
    }
  };
  failures(25, 0);
  failures(3, 10);
  failures(20, 20);
  return f.events;
}

const STEPS = ['2026-02-26 00:10', '2026-03-01 10:16', '2026-03-02 00:10'];
const MUG = 'REFUND_RATE:REFUND_RATE:MUG:2026-02-25';
const BURST = `PAYMENT_FAILURE_BURST:PAYMENT_FAILURES:${cst('2026-03-01 10:00')}`;

const evaluate = (service: TestService) => evaluateSteps(service, STEPS);

const rowsOf = (dataSource: DataSource): Promise<Record<string, unknown>[]> =>
  dataSource.query(`SELECT * FROM an_anomaly_alerts ORDER BY id`);

describe('refund-rate and payment-failure burst alerts', () => {
  const events = limitScenario();
  const prefixes: string[] = [];
  let database: TestDatabase;
  afterAll(async () => {
    await database?.drop().catch(() => undefined);
    for (const prefix of prefixes) await deleteTestTopics(prefix).catch(() => undefined);
  });

  async function run(prefix: string, publish: EventEnvelope[][], db?: TestDatabase) {
    for (const list of publish) await publishTo(prefix, list, 'limits-producer');
    const service = await startProjector({ topicPrefix: prefix, database: db });
    await waitForEvents(service.app.get(DataSource), events);
    return service;
  }

  let reference: Record<string, unknown>[];

  it('raises and clears each once, on the topic and in the read model, with the figures worked out by hand', async () => {
    const prefix = await freshTopics('limits');
    prefixes.push(prefix);
    const probe = await TopicProbe.start(prefix, [Topics.analyticsAlerts]);
    database = await createTestDatabase('analytics_limits');
    const service = await run(prefix, [events], database);
    try {
      const [first, second, third] = await evaluate(service);
      expect(first).toMatchObject({ days: 6, raised: 1, cleared: 0, published: { raised: 1, cleared: 0 } });
      expect(second).toMatchObject({ raised: 1, cleared: 0, published: { raised: 1, cleared: 0 } });
      expect(third).toMatchObject({ raised: 0, cleared: 2, published: { raised: 0, cleared: 2 } });

      const published = (
        await probe.waitForEvents((all) => all.filter((e) => e.aggregateType === 'Anomaly').length >= 4, {
          message: 'two raises and two clears',
        })
      ).filter((e) => e.aggregateType === 'Anomaly');
      const summary = published.map((e) => [e.type, e.aggregateId, (e.data as { alertId: string }).alertId]);
      // Each raise in its own run; the two clears of the last run on two streams, whose order the topic's
      // partitions decide.
      expect(summary.slice(0, 2)).toEqual([
        ['AnomalyRaised', 'REFUND_RATE:REFUND_RATE:MUG', MUG],
        ['AnomalyRaised', 'PAYMENT_FAILURE_BURST:PAYMENT_FAILURES:*', BURST],
      ]);
      expect(summary.slice(2).sort()).toEqual([
        ['AnomalyCleared', 'PAYMENT_FAILURE_BURST:PAYMENT_FAILURES:*', BURST],
        ['AnomalyCleared', 'REFUND_RATE:REFUND_RATE:MUG', MUG],
      ]);
      const clearOf = (id: string) =>
        published.find((e) => e.type === 'AnomalyCleared' && (e.data as { alertId: string }).alertId === id)!;
      // 6 of 25 units against the 20 % limit, over the orders paid 01-27..02-25.
      expect(published[0].data).toEqual({
        alertId: MUG,
        type: 'REFUND_RATE',
        metric: 'REFUND_RATE',
        sku: 'MUG',
        direction: 'SPIKE',
        expected: 0.2,
        actual: 0.24,
        deviation: expect.closeTo(0.2, 12),
        window: { from: cst('2026-01-27 00:00'), to: cst('2026-02-26 00:00') },
      });
      expect(published[1].data).toEqual({
        alertId: BURST,
        type: 'PAYMENT_FAILURE_BURST',
        metric: 'PAYMENT_FAILURES',
        sku: null,
        direction: 'SPIKE',
        expected: 20,
        actual: 25,
        deviation: 0.25,
        window: { from: cst('2026-03-01 10:00'), to: cst('2026-03-01 10:10') },
      });
      // 6 of 75 units (orders paid 01-31..03-01), and 3 failures in 10:10-10:20.
      expect(clearOf(MUG).data).toEqual({
        alertId: MUG,
        type: 'REFUND_RATE',
        metric: 'REFUND_RATE',
        sku: 'MUG',
        expected: 0.2,
        actual: 0.08,
        deviation: expect.closeTo(-0.6, 12),
        window: { from: cst('2026-01-31 00:00'), to: cst('2026-03-02 00:00') },
      });
      expect(clearOf(BURST).data).toMatchObject({
        alertId: BURST,
        expected: 20,
        actual: 3,
        window: { from: cst('2026-03-01 10:10'), to: cst('2026-03-01 10:20') },
      });
      reference = await rowsOf(service.app.get(DataSource));
      // The evaluation's daily loader sums the same units as the definition, day by day.
      const dataSource = service.app.get(DataSource);
      const daily = await loadDailyRefundUnits(dataSource, '2026-02-19', '2026-03-02');
      for (let day = '2026-02-19'; day <= '2026-03-02'; day = addDays(day, 1)) {
        const bySku = (units: { sku: string }[]) => [...units].sort((a, b) => a.sku.localeCompare(b.sku));
        const definition = await loadRefundUnits(dataSource, addDays(day, -29), day);
        expect([day, bySku(daily.get(day) ?? [])]).toEqual([day, bySku(definition)]);
      }
      expect(daily.get('2026-02-25')).toEqual(
        expect.arrayContaining([{ sku: 'MUG', paidUnits: 25, refundedUnits: 6 }]),
      );
      // TEE at exactly 20 % and the 20 failures of 10:20 raised nothing.
      expect(reference.map((r) => [r.id, r.open])).toEqual([
        [BURST, false],
        [MUG, false],
      ]);
    } finally {
      await probe.stop();
      await service.close();
    }
  }, 120_000);

  it('gives the same rows when refunds and failures come before the orders, with redeliveries', async () => {
    const prefix = await freshTopics('limits-reorder');
    prefixes.push(prefix);
    const reversed = [...events].reverse();
    const service = await run(prefix, [reversed, events.filter((_, i) => i % 3 === 0)]);
    try {
      await evaluate(service);
      expect(await rowsOf(service.app.get(DataSource))).toEqual(reference);
    } finally {
      await service.close();
    }
  }, 120_000);

  it('a rebuild from the topics writes the same rows and publishes nothing again', async () => {
    const observer = await openDataSource(database);
    try {
      const count = async () =>
        (await observer.query(`SELECT count(*)::int AS n FROM es_events WHERE aggregate_type = 'Anomaly'`))[0]
          .n;
      const before = await count();
      const result = await rebuildFromTopics({
        database,
        topicPrefix: prefixes[0],
        env: {
          // The rebuild evaluates the days and windows as the live schedule does when it is on.
          ANOMALY_INTERVAL_MS: '3600000',
          ANALYTICS_FIXED_NOW: cst(STEPS[STEPS.length - 1]),
        },
      });
      // One catch-up run: both alerts raised and cleared in it, the topic already said so.
      expect(result.anomalies).toMatchObject({ raised: 2, cleared: 2, published: { raised: 0, cleared: 0 } });
      expect(await rowsOf(observer)).toEqual(reference);
      expect([before, await count()]).toEqual([4, 4]);
    } finally {
      await observer.destroy();
    }
  }, 120_000);
});
