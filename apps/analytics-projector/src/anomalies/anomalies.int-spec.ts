import { EventEnvelope, Topics } from '@ecom/contracts';
import { createTestDatabase, deleteTestTopics, TestDatabase, TestService, TopicProbe } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { ProjectorSchedules } from '../runner/projector-schedules';
import { publishTo, rebuildFromTopics } from '../test/delivery';
import { evaluateSteps } from '../test/anomaly-steps';
import { cst, topicOf } from '../test/event-factory';
import { freshTopics, openDataSource, startProjector, waitForEvents } from '../test/harness';
import { anomalyScenario } from './test/anomaly-scenario';

/** Quiet nights (5 visitors, 2 payers) stay under the minimum; busy hours (30, 12) are above it. */
const ENV = {
  ANOMALY_MIN_VOLUME: '10',
  ANOMALY_GRACE_MS: '300000',
  ANALYTICS_FIXED_NOW: cst('2026-03-01 12:00'),
};
/** The evaluation instants: 11:00 not complete yet (grace), 11:00 complete, 12:00 complete, the whole day. */
const STEPS = ['2026-03-01 12:04', '2026-03-01 12:05', '2026-03-01 13:05', '2026-03-02 00:05'];

const ALERT_ID = 'HOURLY:CONVERSION:2026-03-01T11';
/** Hand-computed: the weeks' 11:00 conversions 12/30, 12/30, 10/30, 14/30 have the median 0.4; 12/120 = 0.1. */
const RAISED = {
  alertId: ALERT_ID,
  type: 'HOURLY',
  metric: 'CONVERSION',
  sku: null,
  direction: 'DROP',
  expected: 0.4,
  actual: 0.1,
  deviation: (0.1 - 0.4) / 0.4,
  window: { from: cst('2026-03-01 11:00'), to: cst('2026-03-01 12:00') },
};
/** At 12:00, 12 of 30 again: 0.4 against 0.4. */
const CLEARED = {
  alertId: ALERT_ID,
  type: 'HOURLY',
  metric: 'CONVERSION',
  sku: null,
  expected: 0.4,
  actual: 0.4,
  deviation: 0,
  window: { from: cst('2026-03-01 12:00'), to: cst('2026-03-01 13:00') },
};

const anomalyEvents = (probe: TopicProbe) => probe.events().filter((e) => e.aggregateType === 'Anomaly');

const publish = (prefix: string, events: readonly EventEnvelope[]) =>
  publishTo(prefix, events, 'anomaly-producer');

async function alertRows(dataSource: DataSource): Promise<Record<string, unknown>[]> {
  return dataSource.query(`SELECT * FROM an_anomaly_alerts ORDER BY id`);
}

const evaluate = (service: TestService) => evaluateSteps(service, STEPS);

/**
 * Hourly anomaly alerts end to end: five Sundays of seeded ordinary noise with a conversion drop
 * injected at 11:00 on the last, through Kafka into the projector; the schedule's evaluation raises
 * the alert on analytics.alerts once 11:00 is complete and clears it once 12:00 is back within the
 * threshold; redelivered and reordered events, and a rebuild, give the same alerts.
 */
describe('anomaly alerts', () => {
  const events = anomalyScenario();
  let live: TestService;
  let probe: TopicProbe;
  let database: TestDatabase;
  const prefixes: string[] = [];

  beforeAll(async () => {
    const prefix = await freshTopics('anomaly');
    prefixes.push(prefix);
    probe = await TopicProbe.start(prefix, [Topics.analyticsAlerts]);
    await publish(prefix, events);
    database = await createTestDatabase('analytics_anomaly');
    live = await startProjector({ database, topicPrefix: prefix, env: ENV });
    await waitForEvents(live.app.get(DataSource), events, 120_000);
  }, 180_000);

  afterAll(async () => {
    await probe?.stop();
    await live?.close();
    await database?.drop().catch(() => undefined);
    for (const prefix of prefixes) await deleteTestTopics(prefix).catch(() => undefined);
  });

  it('raises the injected conversion drop on analytics.alerts and clears it after recovery; ordinary noise raises nothing', async () => {
    const dataSource = live.app.get(DataSource);
    const [early, raise, clear, rest] = await evaluate(live);
    // 11:55 is not 11:00 complete plus the 5-minute grace: evaluated up to 10:00, nothing raised.
    expect(early).toMatchObject({ raised: 0, cleared: 0, published: { raised: 0, cleared: 0 } });
    expect(raise).toMatchObject({ hours: 1, raised: 1, cleared: 0, published: { raised: 1, cleared: 0 } });
    expect(clear).toMatchObject({ hours: 1, raised: 0, cleared: 1, published: { raised: 0, cleared: 1 } });
    expect(rest).toMatchObject({ hours: 11, raised: 0, cleared: 0 });

    const published = await probe.waitForEvents(
      (all) => all.filter((e) => e.aggregateType === 'Anomaly').length >= 2,
      {
        message: 'AnomalyRaised and AnomalyCleared',
      },
    );
    expect(
      published.filter((e) => e.aggregateType === 'Anomaly').map((e) => [e.type, e.aggregateId]),
    ).toEqual([
      ['AnomalyRaised', 'HOURLY:CONVERSION:*'],
      ['AnomalyCleared', 'HOURLY:CONVERSION:*'],
    ]);
    const [raised, cleared] = anomalyEvents(probe);
    expect(raised.data).toEqual({ ...RAISED, deviation: expect.closeTo(-0.75, 12) });
    expect(raised.data).toMatchObject({ expected: 0.4, actual: 0.1 });
    expect(cleared.data).toEqual(CLEARED);

    // The only alert the five noisy Sundays ever raised, in the read model as on the topic.
    const rows = await alertRows(dataSource);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: ALERT_ID,
      type: 'HOURLY',
      metric: 'CONVERSION',
      direction: 'DROP',
      expected: 0.4,
      actual: 0.1,
      open: false,
      cleared_expected: 0.4,
      cleared_actual: 0.4,
    });
    expect((rows[0].window_from as Date).toISOString()).toBe(cst('2026-03-01 11:00'));
    expect((rows[0].cleared_window_from as Date).toISOString()).toBe(cst('2026-03-01 12:00'));

    // Evaluating again at the same instant evaluates nothing and publishes nothing (exactly once).
    expect(await live.app.get(ProjectorSchedules).evaluateAnomalies()).toEqual({
      hours: 0,
      days: 0,
      windows: 0,
      raised: 0,
      cleared: 0,
      published: { raised: 0, cleared: 0 },
    });
    const [{ n }] = await dataSource.query(
      `SELECT count(*)::int AS n FROM es_events WHERE aggregate_type = 'Anomaly'`,
    );
    expect(n).toBe(2);
  }, 60_000);

  it('gives the same alerts when the events come topic by topic in reverse, with every fifth one twice', async () => {
    const prefix = await freshTopics('anomaly-reorder');
    prefixes.push(prefix);
    const byTopic = (topic: string) => events.filter((e) => topicOf(e) === topic);
    // Payments and declines before the storefront behaviour, then a fifth of everything again.
    await publish(prefix, [...byTopic(Topics.orders).reverse(), ...byTopic(Topics.storefrontBehavior)]);
    await publish(
      prefix,
      events.filter((_, i) => i % 5 === 0),
    );
    const other = await startProjector({ topicPrefix: prefix, env: ENV });
    try {
      const dataSource = other.app.get(DataSource);
      await waitForEvents(dataSource, events, 120_000);
      await evaluate(other);
      expect(await alertRows(dataSource)).toEqual(await alertRows(live.app.get(DataSource)));
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM an_payment_failures`);
      expect(n).toBe(events.filter((e) => e.type === 'PaymentFailed').length);
    } finally {
      await other.close();
    }
  }, 180_000);

  it('a rebuild from the topics gives the same alerts and publishes nothing again', async () => {
    const before = await alertRows(live.app.get(DataSource));
    await live.close();
    const observer = await openDataSource(database);
    try {
      await observer.query(`UPDATE an_anomaly_alerts SET actual = -1`);
      const result = await rebuildFromTopics({
        database,
        topicPrefix: prefixes[0],
        env: {
          ...ENV,
          // The rebuild evaluates the hours as the live schedule does when it is on.
          ANOMALY_INTERVAL_MS: '3600000',
          ANALYTICS_FIXED_NOW: cst(STEPS[STEPS.length - 1]),
        },
      });
      expect(result.anomalies).toMatchObject({ raised: 1, cleared: 1, published: { raised: 0, cleared: 0 } });
      expect(await alertRows(observer)).toEqual(before);
      const [{ n }] = await observer.query(
        `SELECT count(*)::int AS n FROM es_events WHERE aggregate_type = 'Anomaly'`,
      );
      expect(n).toBe(2);
    } finally {
      await observer.destroy();
      live = undefined as unknown as TestService;
    }
  }, 180_000);
});
