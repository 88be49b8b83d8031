import { createTestDatabase, createTestDataSource, TestDatabase } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { readFactsVersion } from '../facts-version';
import { ANALYTICS_MIGRATIONS } from '../index';
import { truncateReadModels } from '../read-model-tables';
import { scoreMember } from './rfm.domain';
import { latestCutPoints, rawRfm, recomputeRfm, RfmComputeSettings, scoreMembersLive } from './rfm-recompute';

const SETTINGS: RfmComputeSettings = {
  windowDays: 365,
  sleepingDays: 90,
  frequencyThresholds: [2, 3, 4, 5],
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
};
/** 2026-03-10 12:00 in Asia/Shanghai. */
const AS_OF = new Date('2026-03-10T04:00:00.000Z');
const AS_OF_DAY = '2026-03-10';

/**
 * The recomputation and live scoring against a real database: what they write, what they leave
 * alone, and what two transactions scoring the same member, or a batch during a recomputation, leave.
 */
describe('RFM recomputation and live scoring', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let orders = 0;

  beforeAll(async () => {
    db = await createTestDatabase('rfm_recompute');
    dataSource = await createTestDataSource(db.url, ANALYTICS_MIGRATIONS);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });
  beforeEach(() => truncateReadModels(dataSource));

  /** A paid order as the projector's fact writer stores it (noon of the day, Asia/Shanghai). */
  const pay = (sql: Pick<DataSource, 'query'>, memberId: string, day: string, amount: number) => {
    const orderId = `o${++orders}`;
    return sql
      .query(
        `INSERT INTO an_orders_paid (order_id, event_id, member_id, visitor_id, channel, paid_at, day, amount, currency,
                                     method, payment_id)
         VALUES ($1, gen_random_uuid(), $2, $2, NULL, $3::date + time '04:00', $3, $4, 'CNY', 'card', $1)`,
        [orderId, memberId, day, amount],
      )
      .then(() => orderId);
  };
  const refund = (sql: Pick<DataSource, 'query'>, orderId: string, memberId: string, amount: number) =>
    sql.query(
      `INSERT INTO an_refunds (refund_id, event_id, order_id, member_id, return_id, amount, currency, cause, issued_at, day)
       VALUES ($1, gen_random_uuid(), $2, $3, NULL, $4, 'CNY', 'CANCELLATION', now(), $5)`,
      [`rf-${orderId}`, orderId, memberId, amount, AS_OF_DAY],
    );
  const rows = () =>
    dataSource.query(
      `SELECT member_id, last_paid_day::text AS day, frequency, monetary::int AS monetary, r, f, m, segment, fact_count
         FROM an_rfm_scores ORDER BY member_id`,
    );
  /** Every row scored from its own values against the latest cut points, as a recomputation would. */
  async function expectScoredAgainstLatestCuts(): Promise<void> {
    const cuts = (await latestCutPoints(dataSource))!;
    for (const row of await rows()) {
      const [raw] = await rawRfm(dataSource, AS_OF_DAY, SETTINGS, [row.member_id]);
      const scored = scoreMember(raw, cuts, SETTINGS.sleepingDays);
      expect(row).toMatchObject({
        frequency: raw.frequency,
        monetary: raw.monetary,
        r: scored.r,
        f: scored.f,
        m: scored.m,
      });
    }
  }

  it('stores the cut points with the run, and writes nothing when nothing changed', async () => {
    // Last paid days 03-10, 03-09, 03-01, 02-01, 2025-11-01; monetary 5000, 4000, 3000, 2000, 1000.
    const days = ['2026-03-10', '2026-03-09', '2026-03-01', '2026-02-01', '2025-11-01'];
    for (const [i, day] of days.entries()) await pay(dataSource, `M${i + 1}`, day, 5000 - 1000 * i);
    const first = await recomputeRfm(dataSource, AS_OF, SETTINGS);
    expect(first).toMatchObject({ asOfDay: AS_OF_DAY, members: 5 });
    // Five distinct values: one per score, so each score's lowest value is the value of that member.
    expect(
      await dataSource.query(
        `SELECT recency_cuts::text[] AS r, frequency_cuts AS f, monetary_cuts::text[] AS m, completed_at IS NOT NULL AS done
           FROM an_rfm_runs`,
      ),
    ).toEqual([
      {
        r: ['2026-02-01', '2026-03-01', '2026-03-09', '2026-03-10'],
        f: [2, 3, 4, 5],
        m: ['2000', '3000', '4000', '5000'],
        done: true,
      },
    ]);
    expect((await rows()).map((r: { r: number; m: number }) => [r.r, r.m])).toEqual([
      [5, 5],
      [4, 4],
      [3, 3],
      [2, 2],
      [1, 1],
    ]);
    const written = await dataSource.query(
      `SELECT member_id, xmin::text AS xmin FROM an_rfm_scores ORDER BY 1`,
    );
    const version = await readFactsVersion(dataSource);
    await recomputeRfm(dataSource, AS_OF, SETTINGS);
    // Same rows, not rewritten (same row versions); the version advanced once, for the new run.
    expect(
      await dataSource.query(`SELECT member_id, xmin::text AS xmin FROM an_rfm_scores ORDER BY 1`),
    ).toEqual(written);
    expect(Number(await readFactsVersion(dataSource))).toBe(Number(version) + 1);
  });

  it('rescores a member live from its facts, and drops a member with no paid order by the as-of day', async () => {
    for (const [i, day] of ['2026-03-10', '2026-03-01', '2026-01-01'].entries()) {
      await pay(dataSource, `M${i + 1}`, day, 1000 * (i + 1));
    }
    await recomputeRfm(dataSource, AS_OF, SETTINGS);
    // M3 (last paid 01-01, r=1) pays today: r=5 against the same cut points, two orders (f=2), 3000 + 500.
    const paid = await pay(dataSource, 'M3', AS_OF_DAY, 500);
    expect(await scoreMembersLive(dataSource, ['M3'], AS_OF, SETTINGS)).toBe(1);
    expect((await rows())[2]).toMatchObject({
      member_id: 'M3',
      day: AS_OF_DAY,
      frequency: 2,
      monetary: 3500,
      r: 5,
      f: 2,
    });
    // Refunded in full: out of frequency and monetary; the payment stays the latest.
    await refund(dataSource, paid, 'M3', 500);
    await scoreMembersLive(dataSource, ['M3'], AS_OF, SETTINGS);
    expect((await rows())[2]).toMatchObject({ day: AS_OF_DAY, frequency: 1, monetary: 3000, fact_count: 3 });
    // A member whose only payment is after the as-of day has no row.
    await pay(dataSource, 'M9', '2026-03-11', 700);
    await scoreMembersLive(dataSource, ['M9'], AS_OF, SETTINGS);
    expect((await rows()).map((r: { member_id: string }) => r.member_id)).toEqual(['M1', 'M2', 'M3']);
    await expectScoredAgainstLatestCuts();
  });

  it('makes a second batch of the same member wait for the first and see its facts', async () => {
    await pay(dataSource, 'M1', '2026-03-01', 1000);
    await pay(dataSource, 'M2', '2026-02-01', 2000);
    await recomputeRfm(dataSource, AS_OF, SETTINGS);
    const first = dataSource.createQueryRunner();
    const second = dataSource.createQueryRunner();
    try {
      await first.startTransaction();
      await second.startTransaction();
      await pay(first.manager, 'M1', AS_OF_DAY, 100);
      await scoreMembersLive(first.manager, ['M1'], AS_OF, SETTINGS);
      await pay(second.manager, 'M1', AS_OF_DAY, 10);
      // Waits on M1's lock bucket until the first commits, then reads the facts of both.
      const waiting = scoreMembersLive(second.manager, ['M1'], AS_OF, SETTINGS);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await first.commitTransaction();
      await waiting;
      await second.commitTransaction();
    } finally {
      await first.release();
      await second.release();
    }
    expect((await rows())[0]).toMatchObject({ member_id: 'M1', frequency: 3, monetary: 1110, fact_count: 3 });
  });

  it('leaves a row a batch wrote during a recomputation current, and scored against the new cut points', async () => {
    for (const [i, day] of ['2026-03-10', '2026-03-05', '2026-02-01', '2025-12-01'].entries()) {
      await pay(dataSource, `M${i + 1}`, day, 1000 * (i + 1));
    }
    await recomputeRfm(dataSource, AS_OF, SETTINGS);
    // Facts the live path never scored: bigger spenders, which move the monetary cut points up.
    for (const i of [5, 6, 7, 8]) await pay(dataSource, `M${i}`, '2026-03-08', 10000 * i);
    // A batch of M1 (already a member) and of a first-time member M0, open while the recomputation
    // reads every member's values: the run's cut points wait for its commit.
    const batch = dataSource.createQueryRunner();
    try {
      await batch.startTransaction();
      await pay(batch.manager, 'M1', AS_OF_DAY, 500);
      await pay(batch.manager, 'M0', AS_OF_DAY, 20000);
      await scoreMembersLive(batch.manager, ['M1', 'M0'], AS_OF, SETTINGS);
      const recompute = recomputeRfm(dataSource, AS_OF, SETTINGS);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await batch.commitTransaction();
      await recompute;
    } finally {
      await batch.release();
    }
    const byMember = new Map((await rows()).map((r: { member_id: string }) => [r.member_id, r]));
    expect(byMember.get('M1')).toMatchObject({ frequency: 2, monetary: 1500, fact_count: 2 });
    expect(byMember.get('M0')).toMatchObject({ frequency: 1, monetary: 20000, fact_count: 1 });
    expect(byMember.size).toBe(9);
    await expectScoredAgainstLatestCuts();
  });
});
