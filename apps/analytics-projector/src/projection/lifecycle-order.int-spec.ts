import { LifecycleQueries, LifecycleThresholds } from '@ecom/analytics-read-models';
import { EventEnvelope, Topics } from '@ecom/contracts';
import { DataSource } from 'typeorm';
import { ProjectorSchedules } from '../runner/projector-schedules';
import { DirectProjection, forEveryDelivery, keepingTopicOrder, withRedeliveries } from '../test/delivery';
import { goldenEvents } from '../test/golden-events';

const AS_OF = '2026-03-10';
const THRESHOLDS: LifecycleThresholds = { newDays: 30, activeDays: 60, sleepingDays: 90, lostDays: 180 };

/**
 * Lifecycle stages, repurchase and cohorts read the order facts the projector writes: the golden
 * events through the projector's handler give the figures worked out by hand, and the same figures
 * for Kafka-legal reorderings (any interleaving across topics, each inventory stream in order), with
 * redeliveries and random batch cuts, and after the read models are emptied and projected again
 * (what a rebuild does).
 */
describe('lifecycle, repurchase and cohorts from the projected golden events', () => {
  let direct: DirectProjection;
  let dataSource: DataSource;
  let queries: LifecycleQueries;
  const events = goldenEvents();

  beforeAll(async () => {
    direct = await DirectProjection.start('lifecycle');
    dataSource = direct.dataSource;
    queries = new LifecycleQueries(dataSource, THRESHOLDS);
  });
  afterAll(() => direct?.stop());

  /** Projects the events from empty read models, in batches of the given sizes (cycled). */
  const project = (sequence: readonly EventEnvelope[], cuts: readonly number[]) =>
    direct.replay(sequence, cuts);

  /** Every answer of the four routes for the golden as-of day. */
  async function answers() {
    return {
      stages: await queries.stages(AS_OF),
      members: await queries.members({ asOfDay: AS_OF, limit: 100 }),
      repurchase: await queries.repurchase({ from: '2025-09-01', to: AS_OF }),
      cohorts: await queries.cohorts({ from: '2025-02', to: '2026-03', asOfDay: AS_OF, horizon: 12 }),
    };
  }

  /** Any interleaving across topics; inventory keeps its order (each SKU's stream is in order on its partition). */
  const legalOrder = (permutation: readonly number[]) =>
    keepingTopicOrder(events, permutation, Topics.inventory);

  it('gives the figures worked out by hand', async () => {
    await project(events, [25]);
    const { stages, members, repurchase, cohorts } = await answers();
    // Net paid orders (paid, not refunded in full) up to 2026-03-10, imported ones at their paidAt:
    //  M1 03-01, 03-02 (half refunded), 03-03: 3 orders, 7 days -> active
    //  M2 03-02; 03-03 refunded in full (cancelled) does not count: 1 order, 8 days -> new
    //  M3 02-15, 03-01: 2 orders, 9 days -> active
    //  M4 2025-02-03, 2025-11-01, 2025-12-01, 01-10, 01-29: 5 orders, 40 days -> active
    //  M5 2025-03-10 .. 2025-08-22: 6 orders, 200 days -> lost (> 180)
    //  M6 2025-11-30: 1 order, 100 days -> sleeping (91..180)
    //  M8 imported 2025-10-01 (paid 00:10, placed the day before), 2025-11-10 (partly refunded): 120 days -> sleeping
    //  M9 imported 03-02 (partly refunded): 1 order, 8 days -> new
    expect(stages.stages.map((s) => [s.stage, s.members])).toEqual([
      ['new', 2],
      ['active', 3],
      ['at_risk', 0],
      ['sleeping', 2],
      ['lost', 1],
    ]);
    expect(stages.members).toBe(8);
    expect(
      members.items.map((m) => [m.memberId, m.stage, m.orders, m.firstPaidDay, m.lastPaidDay, m.recencyDays]),
    ).toEqual([
      ['M1', 'active', 3, '2026-03-01', '2026-03-03', 7],
      ['M2', 'new', 1, '2026-03-02', '2026-03-02', 8],
      ['M9', 'new', 1, '2026-03-02', '2026-03-02', 8],
      ['M3', 'active', 2, '2026-02-15', '2026-03-01', 9],
      ['M4', 'active', 5, '2025-02-03', '2026-01-29', 40],
      ['M6', 'sleeping', 1, '2025-11-30', '2025-11-30', 100],
      ['M8', 'sleeping', 2, '2025-10-01', '2025-11-10', 120],
      ['M5', 'lost', 6, '2025-03-10', '2025-08-22', 200],
    ]);
    // Orders with lines (P1 = cat-1: A, B; P2 = cat-2: C, D, E), paid 2025-09-01 .. 03-10:
    //  cat-1: M1 o1a 03-01 (A) and o1b 03-02 (B): 1 day; M3 o3a 03-01 (B); M8 io8-b 10-01 (B) and io8-a 11-10 (A): 40 days
    //         -> 3 buyers, 2 repurchase (0.6667), gaps 1 and 40 -> median 20.5
    //  cat-2: M1 o1a 03-01 (E) and o1c 03-03 (E): 2 days; M2 o2a 03-02 (D) (o2b, C, refunded in full); M9 io9-a 03-02 (E)
    //         -> 3 buyers, 1 repurchases (0.3333), one gap of 2 days
    expect(repurchase.categories).toEqual([
      {
        categoryId: 'cat-1',
        buyers: 3,
        repurchasers: 2,
        repurchaseRate: 0.6667,
        intervals: 2,
        medianDaysBetween: 20.5,
      },
      {
        categoryId: 'cat-2',
        buyers: 3,
        repurchasers: 1,
        repurchaseRate: 0.3333,
        intervals: 1,
        medianDaysBetween: 2,
      },
    ]);
    // First net paid month: M4 2025-02 (then 2025-11, 2025-12, 2026-01 = k 9, 10, 11); M5 2025-03 (then 05..08 = k 2..5);
    // M8 2025-10 (then 11 = k 1); M6 2025-11; M3 2026-02 (then 03 = k 1, still running); M1, M2, M9 2026-03.
    const cohort = (month: string) => cohorts.cohorts.find((c) => c.month === month)!;
    const paidAgain = (month: string) =>
      cohort(month)
        .retention.filter((r) => r.members > 0)
        .map((r) => r.k);
    expect(cohorts.cohorts.map((c) => [c.month, c.members]).filter(([, n]) => n)).toEqual([
      ['2025-02', 1],
      ['2025-03', 1],
      ['2025-10', 1],
      ['2025-11', 1],
      ['2026-02', 1],
      ['2026-03', 3],
    ]);
    expect(paidAgain('2025-02')).toEqual([9, 10, 11]);
    expect(cohort('2025-02').retention).toHaveLength(12);
    expect(paidAgain('2025-03')).toEqual([2, 3, 4, 5]);
    expect(paidAgain('2025-10')).toEqual([1]);
    expect(paidAgain('2025-11')).toEqual([]);
    expect(cohort('2026-02').retention).toEqual([
      { k: 1, month: '2026-03', members: 1, share: 1, complete: false },
    ]);
    expect(cohort('2026-03').retention).toEqual([]);
    // sleeping and lost together are RFM's sleeping members (recency > RFM_SLEEPING_DAYS), the
    // recomputation running at the same fixed clock (no member here has a last order cancelled).
    await direct.service.app.get(ProjectorSchedules).recomputeRfm();
    const rfmSleeping: { member_id: string }[] = await dataSource.query(
      `SELECT member_id FROM an_rfm_scores WHERE sleeping ORDER BY member_id`,
    );
    expect(rfmSleeping.map((r) => r.member_id)).toEqual(['M5', 'M6', 'M8']);
    expect(
      members.items
        .filter((m) => m.stage === 'sleeping' || m.stage === 'lost')
        .map((m) => m.memberId)
        .sort(),
    ).toEqual(['M5', 'M6', 'M8']);
  });

  it('answers the same for shuffled cross-topic orders, redeliveries and batch cuts, and after projecting again', async () => {
    await project(events, [25]);
    const reference = await answers();
    expect(reference.stages.members).toBe(8);
    await project(events, [1000]);
    expect(await answers()).toEqual(reference);

    const n = events.length;
    await forEveryDelivery(
      n,
      { redeliveries: 30, maxCut: 40, maxCuts: 10 },
      { numRuns: 8, seed: 20260310 },
      async ({ permutation, redelivered, cuts }) => {
        await project(withRedeliveries(legalOrder(permutation), redelivered), cuts);
        expect(await answers()).toEqual(reference);
      },
    );
  });
});
