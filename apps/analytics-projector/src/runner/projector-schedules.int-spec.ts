import { AnalyticsClock } from '@ecom/analytics-read-models';
import { Topics } from '@ecom/contracts';
import { REDIS } from '@ecom/platform';
import type Redis from 'ioredis';
import { deleteTestTopics, TestService, TopicProbe, waitUntil } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { publishTo } from '../test/delivery';
import { cst, EventFactory } from '../test/event-factory';
import { freshTopics, startProjector, waitForProjection } from '../test/harness';
import { ProjectorRunner } from './projector-runner';

/**
 * The schedules: with two replicas, each job runs once per interval (not once per replica), and the
 * time-based stock warnings follow the analytics clock, not the arrival of events.
 */
describe('projector schedules', () => {
  let first: TestService;
  let second: TestService;
  let alerts: TopicProbe;
  const INTERVAL = 400;

  beforeAll(async () => {
    const env = {
      ANALYTICS_FIXED_NOW: cst('2026-03-01 12:00'),
      RFM_RECOMPUTE_INTERVAL_MS: String(INTERVAL),
      STOCK_WARNING_INTERVAL_MS: String(INTERVAL),
    };
    first = await startProjector({ topicPrefix: await freshTopics('sched'), env });
    second = await startProjector({
      topicPrefix: first.topicPrefix,
      database: first.database,
      tokens: first.tokens,
      env,
    });
    alerts = await TopicProbe.start(first.topicPrefix, [Topics.analyticsAlerts]);
  });
  afterAll(async () => {
    await alerts?.stop();
    await second?.close();
    await first?.close();
    if (first) await deleteTestTopics(first.topicPrefix);
  });

  it('recomputes RFM once per interval across both replicas', async () => {
    const dataSource = first.app.get(DataSource);
    await waitUntil(() => first.app.get(ProjectorRunner).started && second.app.get(ProjectorRunner).started, {
      message: 'both started',
    });
    await new Promise((resolve) => setTimeout(resolve, INTERVAL * 6));
    const runs: { computed_at: Date }[] = await dataSource.query(
      `SELECT computed_at FROM an_rfm_runs ORDER BY id`,
    );
    // Two replicas ticking every 400 ms for ~2.4 s would make ~12 runs without the lock.
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(7);
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i].computed_at.getTime() - runs[i - 1].computed_at.getTime()).toBeGreaterThanOrEqual(
        INTERVAL - 60,
      );
    }
  });

  it('raises a NEAR_EXPIRY warning when the clock, not an event, brings the expiry within 30 days', async () => {
    const f = new EventFactory();
    const levels = [{ warehouse: 'WH1', onHand: 10, reserved: 0, available: 10 }];
    f.make(
      'StockPolicyChanged',
      { sku: 'MILK', safetyStock: 0, leadTimeDays: null },
      cst('2026-03-01 08:00'),
    );
    f.make(
      'StockReceived',
      {
        sku: 'MILK',
        warehouse: 'WH1',
        quantity: 10,
        batch: 'M-1',
        expiresAt: cst('2026-04-15 00:00'),
        levels,
        totals: { onHand: 10, reserved: 0, available: 10 },
      },
      cst('2026-03-01 09:00'),
    );
    f.make(
      'StockDeducted',
      {
        sku: 'MILK',
        orderId: 'o-milk',
        allocations: [{ warehouse: 'WH1', quantity: 1, batch: 'M-1' }],
        levels: [{ warehouse: 'WH1', onHand: 9, reserved: 0, available: 9 }],
        totals: { onHand: 9, reserved: 0, available: 9 },
      },
      cst('2026-03-01 10:00'),
    );
    await publishTo(first.topicPrefix, f.events, 'sched-producer');
    const dataSource = first.app.get(DataSource);
    await waitForProjection(dataSource, 3);
    const warnings = () =>
      dataSource.query(
        `SELECT type, since FROM an_stock_warnings WHERE sku = 'MILK' AND type = 'NEAR_EXPIRY'`,
      );
    // Expiry 04-15 is 45 days after the clock (03-01): nothing yet, however often the schedule runs.
    await new Promise((resolve) => setTimeout(resolve, INTERVAL * 3));
    expect(await warnings()).toEqual([]);

    // Move the clock of both replicas to 03-20: 04-15 is now 26 days away.
    for (const service of [first, second]) service.app.get(AnalyticsClock).set(cst('2026-03-20 09:00'));
    const raised = await waitUntil(
      async () => {
        const rows = await warnings();
        return rows.length ? rows : undefined;
      },
      { message: 'the scheduled NEAR_EXPIRY' },
    );
    expect(raised[0].since.toISOString()).toBe(cst('2026-03-20 09:00'));
    // Published once, though both replicas run the schedule.
    await new Promise((resolve) => setTimeout(resolve, INTERVAL * 3));
    const published = alerts.events().filter((e) => e.aggregateId === 'NEAR_EXPIRY:MILK:WH1');
    expect(published.map((e) => e.type)).toEqual(['StockWarningRaised']);
    expect(published[0].data).toMatchObject({
      sku: 'MILK',
      warehouse: 'WH1',
      type: 'NEAR_EXPIRY',
      available: 9,
      since: cst('2026-03-20 09:00'),
    });
  });
});

/**
 * The RFM recomputation at start-up: a projector restarted more often than the interval (10 minutes
 * by default) would otherwise never recompute. Replicas starting together run it once.
 */
describe('RFM recomputation at start-up', () => {
  const env = { ANALYTICS_FIXED_NOW: cst('2026-03-01 12:00'), RFM_RECOMPUTE_INTERVAL_MS: '60000' };
  const started: TestService[] = [];
  afterAll(async () => {
    for (const service of started.reverse()) await service.close();
    if (started[0]) await deleteTestTopics(started[0].topicPrefix);
  });

  const runs = async (dataSource: DataSource): Promise<number> =>
    (await dataSource.query(`SELECT count(*)::int AS n FROM an_rfm_runs`))[0].n;

  it('runs once when two replicas start, and again on a restart once no run holds the interval', async () => {
    const first = await startProjector({ topicPrefix: await freshTopics('rfm-start'), env });
    started.push(first);
    const more = { topicPrefix: first.topicPrefix, database: first.database, tokens: first.tokens, env };
    started.push(await startProjector(more));
    const dataSource = first.app.get(DataSource);
    // The interval is a minute: only the start-up run can record a run this soon.
    await waitUntil(async () => (await runs(dataSource)) >= 1, { message: 'a start-up recomputation' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await runs(dataSource)).toBe(1);

    // A replica restarted within the interval of that run leaves it be...
    started.push(await startProjector(more));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await runs(dataSource)).toBe(1);
    // ...and one started once the interval's lock is gone (as after an interval without a run) runs it.
    await first.app.get<Redis>(REDIS).del('schedule:analytics-projector:rfm');
    started.push(await startProjector(more));
    await waitUntil(async () => (await runs(dataSource)) >= 2, {
      message: 'a second start-up recomputation',
    });
  });
});
