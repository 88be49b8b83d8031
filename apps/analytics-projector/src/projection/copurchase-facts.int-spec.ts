import { countBaskets, pairOfKey } from '@ecom/analytics-read-models';
import { EventEnvelope } from '@ecom/contracts';
import { createTestDatabase, deleteTestTopics, TestDatabase } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { cst, EventFactory } from '../test/event-factory';
import { DirectProjection, forEveryDelivery, permuted, publishTo, rebuildFromTopics } from '../test/delivery';
import { freshTopics, openDataSource, startProjector, waitForEvents } from '../test/harness';

const CNY = 'CNY';

/**
 * Co-purchase counts through the projector's handlers (the consumer and AnalyticsProjection.applyBatch),
 * on live and imported orders. Counted (hand-checked): paid, with lines, not refunded in full:
 *   p1 {A,B,C}  p2 {A,B} (imported, refunded in part)  p3 {A,C,C}  p4 {B,D} (refunded in part)  p5 {A,B,D}
 * Not counted: x1 {C,D} (refunded in full in two refunds), x2 {A,D} (imported, refunded in full),
 * x3 {B,C} (imported, never paid), x4 {C,D} (placed, never paid).
 * So N = 5; A 4, B 4, C 2, D 2; AB 3, AC 2, AD 1, BC 1, BD 2 (the golden baskets of the domain spec).
 */
function scenario(): { events: EventEnvelope[]; counted: string[][] } {
  const f = new EventFactory();
  const line = (sku: string) => ({ sku, quantity: 1, unitPrice: 1000, lineTotal: 1000 });
  const live = (orderId: string, skus: string[], minute: number, paid: boolean, refunds: number[] = []) => {
    const total = skus.length * 1000;
    const base = { orderId, memberId: 'M1', visitorId: 'v1', channel: 'web' };
    f.make(
      'OrderPlaced',
      { ...base, cartId: null, lines: skus.map(line), total, currency: CNY, shippingRegion: null },
      cst(`2026-03-01 10:${String(minute).padStart(2, '0')}`),
    );
    if (!paid) return;
    f.make(
      'OrderPaid',
      { ...base, amount: total, currency: CNY, method: 'card', paymentId: `pay-${orderId}` },
      cst(`2026-03-01 11:${String(minute).padStart(2, '0')}`),
    );
    refunds.forEach((amount, i) =>
      f.make(
        'RefundIssued',
        {
          orderId,
          memberId: 'M1',
          refundId: `rf-${orderId}-${i}`,
          returnId: null,
          amount,
          currency: CNY,
          cause: 'CANCELLATION',
        },
        cst(`2026-03-01 12:${String(minute + i).padStart(2, '0')}`),
      ),
    );
  };
  const imported = (orderId: string, skus: string[], paid: boolean, refunds: number[] = []) =>
    f.make(
      'OrderImported',
      {
        orderId,
        sourceOrderId: `SRC-${orderId}`,
        memberId: 'M2',
        customerRef: 'C-M2',
        channel: null,
        placedAt: cst('2025-12-01 10:00'),
        paidAt: paid ? cst('2025-12-01 10:05') : null,
        lines: skus.map(line),
        total: skus.length * 1000,
        currency: CNY,
        refunds: refunds.map((amount) => ({ amount, refundedAt: cst('2025-12-03 10:00'), reason: null })),
        status: paid ? 'COMPLETED' : 'CANCELLED',
      },
      cst('2025-12-01 10:00'),
    );
  live('p1', ['A', 'B', 'C'], 1, true);
  imported('p2', ['B', 'A'], true, [500]);
  live('p3', ['A', 'C', 'C'], 3, true);
  live('p4', ['D', 'B'], 4, true, [1000]);
  live('p5', ['A', 'D', 'B'], 5, true);
  live('x1', ['C', 'D'], 6, true, [1500, 500]);
  imported('x2', ['A', 'D'], true, [2000]);
  imported('x3', ['B', 'C'], false);
  live('x4', ['C', 'D'], 9, false);
  return {
    events: f.events,
    counted: [
      ['A', 'B', 'C'],
      ['A', 'B'],
      ['A', 'C'],
      ['B', 'D'],
      ['A', 'B', 'D'],
    ],
  };
}

/**
 * `n` paid orders of 1..6 SKUs out of 8 (a deterministic sequence), about one in six refunded in
 * full (in two refunds), one in six in part, and their counted baskets: many orders share SKUs and
 * pairs, and keyed by order id they spread over every partition.
 */
function manyOrders(n: number): { events: EventEnvelope[]; counted: string[][] } {
  const f = new EventFactory();
  let seed = 20261202;
  const next = (m: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.floor(seed / 65536) % m; // the high bits: the low ones of this generator cycle short
  };
  const counted: string[][] = [];
  for (let i = 0; i < n; i++) {
    const orderId = `many-${i}`;
    const skus = Array.from({ length: 1 + next(6) }, () => `S${next(8)}`);
    const total = skus.length * 1000;
    const base = { orderId, memberId: `M${i % 7}`, visitorId: `v${i % 7}`, channel: 'web' };
    const at = (minute: number) => new Date(Date.parse('2026-03-01T00:00:00Z') + i * 60_000 + minute * 1000);
    f.make(
      'OrderPlaced',
      {
        ...base,
        cartId: null,
        lines: skus.map((sku) => ({ sku, quantity: 1, unitPrice: 1000, lineTotal: 1000 })),
        total,
        currency: CNY,
        shippingRegion: null,
      },
      at(0),
    );
    f.make(
      'OrderPaid',
      { ...base, amount: total, currency: CNY, method: 'card', paymentId: `pay-${orderId}` },
      at(1),
    );
    const fate = next(6);
    const refunds = fate === 0 ? [total - 500, 500] : fate === 1 ? [500] : [];
    refunds.forEach((amount, r) =>
      f.make(
        'RefundIssued',
        {
          orderId,
          memberId: base.memberId,
          refundId: `rf-${orderId}-${r}`,
          returnId: null,
          amount,
          currency: CNY,
          cause: 'CANCELLATION',
        },
        at(2 + r),
      ),
    );
    if (fate !== 0) counted.push(skus);
  }
  return { events: f.events, counted };
}

describe('co-purchase counts through the projection', () => {
  let direct: DirectProjection;
  let dataSource: DataSource;
  const { events, counted } = scenario();

  beforeAll(async () => {
    direct = await DirectProjection.start('copurchase');
    dataSource = direct.dataSource;
  });
  afterAll(() => direct?.stop());

  /** The co-purchase tables, in key order. */
  const tables = async () => ({
    orders: await dataSource.query(`SELECT order_id, skus FROM an_copurchase_orders ORDER BY order_id`),
    total: await dataSource.query(`SELECT id, orders FROM an_copurchase_totals ORDER BY id`),
    skus: await dataSource.query(`SELECT sku, orders FROM an_copurchase_skus ORDER BY sku`),
    pairs: await dataSource.query(
      `SELECT sku_a, sku_b, orders FROM an_copurchase_pairs ORDER BY sku_a, sku_b`,
    ),
  });

  /**
   * From empty read models: the events in batches cut by `cuts`; `again` are delivered once more
   * afterwards with the consumer's record of processed events forgotten first, so the handlers
   * really apply them a second time (the consumer would otherwise drop them as duplicates).
   */
  async function project(
    sequence: readonly EventEnvelope[],
    cuts: readonly number[],
    again: EventEnvelope[] = [],
  ) {
    await direct.replay(sequence, cuts);
    if (again.length > 0) {
      await direct.forget();
      await direct.deliverInBatches(again, [3]);
    }
    return tables();
  }

  it('counts the scenario as computed by hand and as the domain counts its counted baskets', async () => {
    const live = await project(events, [1]);
    expect(live.orders).toEqual([
      { order_id: 'p1', skus: ['A', 'B', 'C'] },
      { order_id: 'p2', skus: ['A', 'B'] },
      { order_id: 'p3', skus: ['A', 'C'] },
      { order_id: 'p4', skus: ['B', 'D'] },
      { order_id: 'p5', skus: ['A', 'B', 'D'] },
    ]);
    // Five orders in the count's shards (rows by a hash of the order id), none left at 0.
    expect(live.total.reduce((sum: number, shard: { orders: number }) => sum + shard.orders, 0)).toBe(5);
    expect(live.total.every((shard: { orders: number }) => shard.orders > 0)).toBe(true);
    expect(live.skus).toEqual([
      { sku: 'A', orders: 4 },
      { sku: 'B', orders: 4 },
      { sku: 'C', orders: 2 },
      { sku: 'D', orders: 2 },
    ]);
    expect(live.pairs).toEqual([
      { sku_a: 'A', sku_b: 'B', orders: 3 },
      { sku_a: 'A', sku_b: 'C', orders: 2 },
      { sku_a: 'A', sku_b: 'D', orders: 1 },
      { sku_a: 'B', sku_b: 'C', orders: 1 },
      { sku_a: 'B', sku_b: 'D', orders: 2 },
    ]);
    const domain = countBaskets(counted);
    expect(live.pairs).toEqual(
      [...domain.pairs]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, orders]) => {
          const { skuA, skuB } = pairOfKey(key);
          return { sku_a: skuA, sku_b: skuB, orders };
        }),
    );
  });

  it('a replay of every event from empty read models, in large batches, equals the live counts', async () => {
    const live = await project(events, [1, 2]);
    expect(await project(events, [1000])).toEqual(live);
    expect(await project(events, [7])).toEqual(live);
  });

  it('comes out the same in any delivery order, with events applied twice and any batch cuts', async () => {
    const reference = await project(events, [1]);
    const n = events.length;
    await forEveryDelivery(
      n,
      { redeliveries: 15, maxCut: 12, maxCuts: 6 },
      { numRuns: 25, seed: 20261202 },
      async ({ permutation, redelivered, cuts }) => {
        // Any order at all, across orders and within one (OrderPaid before OrderPlaced, a refund
        // before the payment): stricter than Kafka, which keeps one order's events in order.
        const sequence = permuted(events, permutation);
        const twice = redelivered.map((i) => sequence[i]);
        expect(await project(sequence, cuts, twice)).toEqual(reference);
      },
    );
  });
});

describe('co-purchase counts through Kafka: live projector, then a rebuild', () => {
  let database: TestDatabase;
  let prefix: string;
  const { events, counted } = manyOrders(400);

  beforeAll(async () => {
    database = await createTestDatabase('copurchase_rebuild');
    prefix = await freshTopics('cp-rebuild');
    await publishTo(prefix, events, 'copurchase-producer');
  });
  afterAll(async () => {
    await database?.drop().catch(() => undefined);
    if (prefix) await deleteTestTopics(prefix).catch(() => undefined);
  });

  const pairsOf = (sql: DataSource) =>
    sql.query(`SELECT sku_a, sku_b, orders FROM an_copurchase_pairs ORDER BY sku_a, sku_b`);
  const countsOf = async (sql: DataSource) => ({
    total: await sql.query(`SELECT coalesce(sum(orders), 0)::int AS orders FROM an_copurchase_totals`),
    skus: await sql.query(`SELECT sku, orders FROM an_copurchase_skus ORDER BY sku`),
    pairs: await pairsOf(sql),
    orders: await sql.query(`SELECT order_id, skus FROM an_copurchase_orders ORDER BY order_id`),
  });

  it('the live counts over three partitions are the domain counts, and a rebuild from the topics rewrites them', async () => {
    const domain = countBaskets(counted);
    expect(counted.length).toBeGreaterThan(300);
    expect(domain.pairs.size).toBe(28); // every pair of the 8 SKUs
    const projector = await startProjector({ database, topicPrefix: prefix });
    let live;
    try {
      const dataSource = projector.app.get(DataSource);
      await waitForEvents(dataSource, events, 120_000);
      live = await countsOf(dataSource);
    } finally {
      await projector.close();
    }
    expect(live.total).toEqual([{ orders: counted.length }]);
    expect(live.skus).toEqual(
      [...domain.skus].sort(([a], [b]) => (a < b ? -1 : 1)).map(([sku, orders]) => ({ sku, orders })),
    );
    expect(live.pairs).toEqual(
      [...domain.pairs]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, orders]) => ({ sku_a: pairOfKey(key).skuA, sku_b: pairOfKey(key).skuB, orders })),
    );

    const observer = await openDataSource(database);
    try {
      // Scribble on the counts: the rebuild must not care what was there.
      await observer.query(`UPDATE an_copurchase_pairs SET orders = orders + 100`);
      await rebuildFromTopics({ database, topicPrefix: prefix });
      expect(await countsOf(observer)).toEqual(live);
    } finally {
      await observer.destroy();
    }
  }, 240_000);
});
