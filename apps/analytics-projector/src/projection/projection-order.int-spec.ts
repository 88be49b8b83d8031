import { funnelDayRows, snapshotReadModels } from '@ecom/analytics-read-models';
import { EventEnvelope, Topics } from '@ecom/contracts';
import { DataSource } from 'typeorm';
import { ProjectorSchedules } from '../runner/projector-schedules';
import { FunnelFolds } from './funnel-folds';
import { DirectProjection, forEveryDelivery, keepingTopicOrder, withRedeliveries } from '../test/delivery';
import { goldenEvents } from '../test/golden-events';

/**
 * Order independence at the handler: the golden events applied in Kafka-legal orders that differ
 * across topics (any interleaving of other topics; inventory keeps each SKU's stream order, which
 * its partition guarantees), with redeliveries and random batch cuts, give the same read models
 * as the events in their original order. Non-inventory events are fully permuted, so e.g. OrderPaid
 * comes before OrderPlaced, RefundIssued before OrderPaid, SkuCostChanged before SkuAdded.
 */
describe('projection order independence (handler level)', () => {
  let direct: DirectProjection;
  let dataSource: DataSource;
  const events = goldenEvents();

  beforeAll(async () => {
    direct = await DirectProjection.start('order', { publishAlerts: true });
    dataSource = direct.dataSource;
  });
  afterAll(() => direct?.stop());

  /**
   * Projects the events from empty read models, batch by batch, then runs the schedules (warnings,
   * RFM recomputation) and returns every read model. With `run`, a recomputation's run row is there
   * from the start (live RFM scores against its cut points) and nothing is recomputed at the end.
   */
  async function project(
    sequence: readonly EventEnvelope[],
    cuts: readonly number[],
    run?: Record<string, unknown>,
  ): Promise<Record<string, unknown[]>> {
    await direct.reset(async (tx) => {
      if (run) {
        const columns = Object.keys(run);
        await tx.query(
          `INSERT INTO an_rfm_runs (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          Object.values(run),
        );
      }
    });
    await direct.deliverInBatches(sequence, cuts);
    // What the funnel answers before the behaviour facts are folded into its pre-aggregation, and
    // after: the same, and the day counts hold all of it.
    const unfolded = await funnelDayRows(dataSource, { from: '-infinity', to: 'infinity' });
    await direct.service.app.get(FunnelFolds).foldNow();
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM an_funnel_pending`)).toEqual([{ n: 0 }]);
    expect(
      await dataSource.query(
        `SELECT day::text AS day, channel, s1, s2, s3, s4, s5 FROM an_funnel_days ORDER BY day, channel`,
      ),
    ).toEqual(unfolded);
    if (!run) {
      const schedules = direct.service.app.get(ProjectorSchedules);
      await schedules.reevaluateStockWarnings();
      await schedules.recomputeRfm();
    }
    return snapshotReadModels(dataSource);
  }

  /** Any interleaving across topics; inventory keeps its order (each SKU's stream is in order on its partition). */
  const legalOrder = (permutation: readonly number[]) =>
    keepingTopicOrder(events, permutation, Topics.inventory);

  it('comes out the same for shuffled cross-topic orders, redeliveries and batch cuts', async () => {
    const reference = await project(events, [25]);
    expect(reference.an_rfm_scores).toHaveLength(8); // M1-M6 and the imported M8, M9
    expect(reference.an_stock_warnings).toHaveLength(6);

    const n = events.length;
    await forEveryDelivery(
      n,
      { redeliveries: 30, maxCut: 40, maxCuts: 10 },
      { numRuns: 15 },
      async ({ permutation, redelivered, cuts }) => {
        const sequence = legalOrder(permutation);
        // Redeliveries of already-seen events (an inventory one goes back to its stream position + later).
        expect(await project(withRedeliveries(sequence, redelivered), cuts)).toEqual(reference);
      },
    );
  });

  it('a reversed order of everything but inventory still comes out the same', async () => {
    const reference = await project(events, [1000]);
    const reversed = legalOrder([...events.keys()].reverse());
    // OrderPaid before OrderPlaced, RefundIssued before OrderPaid and ReturnRejected before ReturnRequested:
    const position = (type: string, orderId: string) =>
      reversed.findIndex((e) => e.type === type && (e.data as { orderId?: string }).orderId === orderId);
    expect(position('OrderPaid', 'o1b')).toBeLessThan(position('OrderPlaced', 'o1b'));
    expect(position('RefundIssued', 'o1b')).toBeLessThan(position('OrderPaid', 'o1b'));
    expect(position('ReturnRejected', 'o3a')).toBeLessThan(position('ReturnRequested', 'o3a'));
    expect(await project(reversed, [7])).toEqual(reference);
  });

  it('scores members live, in any order, with redeliveries and batch cuts, as the recomputation does', async () => {
    // The reference: everything projected, then recomputed (cut points from every member's values).
    const reference = await project(events, [25]);
    const [run] = await dataSource.query(
      `SELECT as_of, as_of_day::text AS as_of_day, members, duration_ms, recency_cuts::text[] AS recency_cuts,
              frequency_cuts, monetary_cuts::text[] AS monetary_cuts FROM an_rfm_runs ORDER BY id DESC LIMIT 1`,
    );
    expect(reference.an_rfm_scores).toHaveLength(8);

    const n = events.length;
    await forEveryDelivery(
      n,
      { redeliveries: 30, maxCut: 40, maxCuts: 10 },
      { numRuns: 10, seed: 20260310 },
      async ({ permutation, redelivered, cuts }) => {
        const withDuplicates = withRedeliveries(legalOrder(permutation), redelivered);
        // Those cut points in place from the start, nothing recomputed: every member's row is written
        // by the batches that brought its payments and refunds, and equals the recomputation's.
        const live = await project(withDuplicates, cuts, run);
        expect(live.an_rfm_scores).toEqual(reference.an_rfm_scores);
      },
    );
  });
});
