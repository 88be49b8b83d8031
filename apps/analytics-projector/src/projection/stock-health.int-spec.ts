import {
  DEFAULT_NEAR_EXPIRY_DAYS,
  snapshotReadModels,
  StockHealthQueries,
} from '@ecom/analytics-read-models';
import { EventEnvelope, Topics } from '@ecom/contracts';
import { createTestDatabase, deleteTestTopics, TestDatabase, TestService } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { ProjectorSchedules } from '../runner/projector-schedules';
import {
  DirectProjection,
  forEveryDelivery,
  keepingStreamOrder,
  publishTo,
  rebuildFromTopics,
  withRedeliveries,
} from '../test/delivery';
import { cst, EventFactory, topicOf } from '../test/event-factory';
import { freshTopics, openDataSource, startProjector, waitForEvents } from '../test/harness';

/** The analytics clock of the harness: 2026-03-10 12:00 Asia/Shanghai. */
const AT = new Date(cst('2026-03-10 12:00'));

/** Levels after each movement, as inventory reports them in its events. */
class Levels {
  private readonly bySku = new Map<string, Map<string, { onHand: number; reserved: number }>>();

  move(sku: string, warehouse: string, change: { onHand?: number; reserved?: number }) {
    const warehouses = this.bySku.get(sku) ?? new Map<string, { onHand: number; reserved: number }>();
    this.bySku.set(sku, warehouses);
    const level = warehouses.get(warehouse) ?? { onHand: 0, reserved: 0 };
    warehouses.set(warehouse, {
      onHand: level.onHand + (change.onHand ?? 0),
      reserved: level.reserved + (change.reserved ?? 0),
    });
    return this;
  }

  report(sku: string, touched: string[]) {
    const warehouses = this.bySku.get(sku)!;
    const view = (l: { onHand: number; reserved: number }) => ({ ...l, available: l.onHand - l.reserved });
    const totals = [...warehouses.values()].reduce(
      (t, l) => ({ onHand: t.onHand + l.onHand, reserved: t.reserved + l.reserved }),
      { onHand: 0, reserved: 0 },
    );
    return {
      levels: touched.map((w) => ({ warehouse: w, ...view(warehouses.get(w)!) })),
      totals: view(totals),
    };
  }
}

/**
 * The stock-health scenario (times Asia/Shanghai). Catalog: F-MILK (price 1200, cost 450) and
 * F-CHEESE (price 3000, no cost) in cat-food, H-MUG (3900, cost 1500) in cat-home; X-1 has stock but
 * catalog never named it. Expected figures are worked out in the tests.
 */
function scenario(): EventEnvelope[] {
  const f = new EventFactory();
  const levels = new Levels();
  const product = (productId: string, categoryId: string) =>
    f.make(
      'ProductCreated',
      { productId, title: productId, description: null, categoryId, attributes: {} },
      cst('2025-10-01 08:00'),
    );
  const sku = (productId: string, code: string, price: number, cost: number | null) =>
    f.make(
      'SkuAdded',
      { productId, sku: code, price, cost, currency: 'CNY', attributes: {} },
      cst('2025-10-01 08:00'),
    );
  const receive = (
    code: string,
    warehouse: string,
    quantity: number,
    batch: string | null,
    expires: string | null,
    wall: string,
  ) => {
    levels.move(code, warehouse, { onHand: quantity });
    f.make(
      'StockReceived',
      {
        sku: code,
        warehouse,
        quantity,
        batch,
        expiresAt: expires === null ? null : cst(expires),
        ...levels.report(code, [warehouse]),
      },
      cst(wall),
    );
  };
  const allocate = (code: string, orderId: string, quantity: number, wall: string) => {
    levels.move(code, 'WH1', { reserved: quantity });
    f.make(
      'StockAllocated',
      {
        sku: code,
        orderId,
        allocations: [{ warehouse: 'WH1', quantity }],
        ...levels.report(code, ['WH1']),
      },
      cst(wall),
    );
  };
  const ship = (code: string, orderId: string, quantity: number, batch: string, wall: string) => {
    levels.move(code, 'WH1', { onHand: -quantity, reserved: -quantity });
    f.make(
      'StockDeducted',
      {
        sku: code,
        orderId,
        allocations: [{ warehouse: 'WH1', quantity, batch }],
        ...levels.report(code, ['WH1']),
      },
      cst(wall),
    );
  };

  product('P-F', 'cat-food');
  product('P-H', 'cat-home');
  sku('P-F', 'F-MILK', 1200, 450);
  sku('P-F', 'F-CHEESE', 3000, null);
  sku('P-H', 'H-MUG', 3900, 1500);

  // F-MILK: M-OLD received 01-05 (20, expires 03-15), 4 shipped 01-20 (outside 30 days), M-NEW 02-20
  // (10, expires 04-20), M-OLD received again 03-01 (5 more: the batch keeps its first receipt),
  // 8 reserved 03-02, 6 of them shipped 03-03.
  receive('F-MILK', 'WH1', 20, 'M-OLD', '2026-03-15 00:00', '2026-01-05 09:00');
  allocate('F-MILK', 'o-early', 4, '2026-01-20 09:00');
  ship('F-MILK', 'o-early', 4, 'M-OLD', '2026-01-20 10:00');
  receive('F-MILK', 'WH1', 10, 'M-NEW', '2026-04-20 00:00', '2026-02-20 09:00');
  receive('F-MILK', 'WH1', 5, 'M-OLD', '2026-03-15 00:00', '2026-03-01 10:00');
  allocate('F-MILK', 'o-1', 8, '2026-03-02 10:00');
  ship('F-MILK', 'o-1', 6, 'M-OLD', '2026-03-03 10:00');

  // F-CHEESE: C-1 received 02-01 (12, expired 03-08) and 8 unbatched; 4 of C-1 moved to WH2 on 03-05.
  receive('F-CHEESE', 'WH1', 12, 'C-1', '2026-03-08 00:00', '2026-02-01 09:00');
  receive('F-CHEESE', 'WH1', 8, null, null, '2026-02-01 09:00');
  levels.move('F-CHEESE', 'WH1', { onHand: -4 }).move('F-CHEESE', 'WH2', { onHand: 4 });
  f.make(
    'StockTransferred',
    {
      sku: 'F-CHEESE',
      from: 'WH1',
      to: 'WH2',
      quantity: 4,
      batches: [{ batch: 'C-1', quantity: 4 }],
      ...levels.report('F-CHEESE', ['WH1', 'WH2']),
    },
    cst('2026-03-05 10:00'),
  );

  // H-MUG: U-1 received 2025-11-01 (10, no expiry); 2 found 03-08 into a new batch U-2; all 12 reserved.
  receive('H-MUG', 'WH1', 10, 'U-1', null, '2025-11-01 09:00');
  levels.move('H-MUG', 'WH1', { onHand: 2 });
  f.make(
    'StockAdjusted',
    {
      sku: 'H-MUG',
      warehouse: 'WH1',
      delta: 2,
      reason: 'found in a count',
      batch: 'U-2',
      batches: [{ batch: 'U-2', quantity: 2 }],
      ...levels.report('H-MUG', ['WH1']),
    },
    cst('2026-03-08 10:00'),
  );
  allocate('H-MUG', 'o-2', 12, '2026-03-09 10:00');

  // 5 of X-B received 03-09 (expires 03-30); catalog never named the SKU.
  receive('X-1', 'WH1', 5, 'X-B', '2026-03-30 00:00', '2026-03-09 09:00');
  return f.events;
}

const bands = (d0: number, d31: number, d61: number, d91: number) => ({
  days0To30: d0,
  days31To60: d31,
  days61To90: d61,
  over90Days: d91,
});

/**
 * Sell-through, stock age and value at risk from events (issue 15): the received_at the projector
 * keeps per batch, the figures worked out by hand; the same read models and answers with the events
 * in any order a partitioned topic allows (each SKU's stream in order, anything across streams and
 * topics) with redeliveries; and a rebuild from the topics equal to the live read models.
 */
describe('stock health from inventory events', () => {
  const events = scenario();
  let database: TestDatabase;
  let prefix: string;
  let projector: TestService | undefined;
  let dataSource: DataSource;
  let live: Record<string, unknown[]>;
  let liveAnswers: Awaited<ReturnType<typeof answers>>;

  const answers = (sql: DataSource) => {
    const q = new StockHealthQueries(sql);
    return Promise.all([
      q.health({ at: AT, days: 30 }),
      q.health({ at: AT, days: 60, category: 'cat-food' }),
      q.valueAtRisk({ at: AT, withinDays: DEFAULT_NEAR_EXPIRY_DAYS }),
      q.valueAtRisk({ at: AT, withinDays: 0 }),
    ]);
  };

  beforeAll(async () => {
    database = await createTestDatabase('analytics_stock_health');
    prefix = await freshTopics('stock-health');
    projector = await startProjector({ database, topicPrefix: prefix });
    dataSource = projector.app.get(DataSource);
    await publishTo(prefix, events, 'stock-health-producer');
    await waitForEvents(dataSource, events);
    // The scheduled re-evaluation at the clock, as a rebuild ends with.
    await projector.app.get(ProjectorSchedules).reevaluateStockWarnings();
    live = await snapshotReadModels(dataSource);
    liveAnswers = await answers(dataSource);
  });

  afterAll(async () => {
    await projector?.close();
    await database?.drop().catch(() => undefined);
    if (prefix) await deleteTestTopics(prefix).catch(() => undefined);
  });

  it('keeps the first receipt of each batch, also across a transfer and a second receipt', async () => {
    const rows = await dataSource.query(
      `SELECT sku, warehouse, batch, quantity, received_at FROM an_stock_batches ORDER BY sku, warehouse, batch`,
    );
    expect(
      rows.map((r: { received_at: Date | null }) => ({
        ...r,
        received_at: r.received_at?.toISOString() ?? null,
      })),
    ).toEqual([
      // Transferred to WH2 on 03-05: as old as its receipt at WH1.
      { sku: 'F-CHEESE', warehouse: 'WH1', batch: 'C-1', quantity: 8, received_at: cst('2026-02-01 09:00') },
      { sku: 'F-CHEESE', warehouse: 'WH2', batch: 'C-1', quantity: 4, received_at: cst('2026-02-01 09:00') },
      { sku: 'F-MILK', warehouse: 'WH1', batch: 'M-NEW', quantity: 10, received_at: cst('2026-02-20 09:00') },
      // 20 - 4 + 5 - 6 = 15; received again on 03-01, still dated 01-05.
      { sku: 'F-MILK', warehouse: 'WH1', batch: 'M-OLD', quantity: 15, received_at: cst('2026-01-05 09:00') },
      { sku: 'H-MUG', warehouse: 'WH1', batch: 'U-1', quantity: 10, received_at: cst('2025-11-01 09:00') },
      // Found in a count: dated by the adjustment.
      { sku: 'H-MUG', warehouse: 'WH1', batch: 'U-2', quantity: 2, received_at: cst('2026-03-08 10:00') },
      { sku: 'X-1', warehouse: 'WH1', batch: 'X-B', quantity: 5, received_at: cst('2026-03-09 09:00') },
    ]);
  });

  it('answers the sell-through and stock age worked out by hand', async () => {
    const [health, food60] = liveAnswers;
    // Ages at 03-10 12:00 in whole days: M-OLD (01-05 09:00) 64, M-NEW (02-20 09:00) 18, C-1 (02-01 09:00)
    // 37, U-1 (2025-11-01 09:00) 30 + 31 + 31 + 28 + 9 = 129, U-2 (03-08 10:00) 2, X-B (03-09 09:00) 1.
    expect(health.asOf).toBe(AT.toISOString());
    expect(health.skus.map((s) => [s.sku, s.categoryId, s.onHand, s.available])).toEqual([
      ['F-CHEESE', 'cat-food', 20, 20],
      ['F-MILK', 'cat-food', 25, 23],
      ['H-MUG', 'cat-home', 12, 0],
      ['X-1', null, 5, 5],
    ]);
    const st = Object.fromEntries(health.skus.map((s) => [s.sku, s.sellThrough]));
    // F-MILK: shipped in (02-08 12:00, 03-10 12:00] = 6 (not the 4 of 01-20), reserved 2, on hand 25:
    // 8 / 31 = 0.2581. F-CHEESE 0 / 20. H-MUG sold out: 12 / 12. X-1 0 / 5.
    expect(st['F-MILK']).toEqual({ shipped: 6, reserved: 2, onHand: 25, sold: 8, base: 31, rate: 0.2581 });
    expect([st['F-CHEESE'].rate, st['H-MUG'].rate, st['X-1'].rate]).toEqual([0, 1, 0]);
    const age = Object.fromEntries(health.skus.map((s) => [s.sku, s.stockAge]));
    // F-MILK: 15 x 64 + 10 x 18 = 1140 unit-days / 25 = 45.6.
    expect(age['F-MILK']).toEqual({
      bands: bands(10, 0, 15, 0),
      agedUnits: 25,
      unknownAgeUnits: 0,
      unitAgeDays: 1140,
      averageAgeDays: 45.6,
    });
    // F-CHEESE: 12 of C-1 at 37 days (both warehouses), 8 unbatched of unknown age.
    expect(age['F-CHEESE']).toEqual({
      bands: bands(0, 12, 0, 0),
      agedUnits: 12,
      unknownAgeUnits: 8,
      unitAgeDays: 444,
      averageAgeDays: 37,
    });
    // H-MUG: 10 x 129 + 2 x 2 = 1294 / 12 = 107.83.
    expect(age['H-MUG']).toMatchObject({
      bands: bands(2, 0, 0, 10),
      unitAgeDays: 1294,
      averageAgeDays: 107.83,
    });
    expect(age['X-1']).toMatchObject({ bands: bands(5, 0, 0, 0), averageAgeDays: 1 });

    // cat-food: (6 + 2) / (6 + 45) = 8 / 51 = 0.1569; 1584 unit-days / 37 aged units = 42.81.
    expect(health.categories).toEqual([
      {
        categoryId: 'cat-food',
        skus: 2,
        onHand: 45,
        available: 43,
        sellThrough: { shipped: 6, reserved: 2, onHand: 45, sold: 8, base: 51, rate: 0.1569 },
        stockAge: {
          bands: bands(10, 12, 15, 0),
          agedUnits: 37,
          unknownAgeUnits: 8,
          unitAgeDays: 1584,
          averageAgeDays: 42.81,
        },
      },
      {
        categoryId: 'cat-home',
        skus: 1,
        onHand: 12,
        available: 0,
        sellThrough: st['H-MUG'],
        stockAge: age['H-MUG'],
      },
      { categoryId: null, skus: 1, onHand: 5, available: 5, sellThrough: st['X-1'], stockAge: age['X-1'] },
    ]);

    // 60 days, cat-food only: the 4 shipped on 01-20 count: F-MILK (10 + 2) / (10 + 25) = 0.3429.
    expect(food60.skus.map((s) => s.sku)).toEqual(['F-CHEESE', 'F-MILK']);
    expect(food60.skus[1].sellThrough).toMatchObject({ shipped: 10, sold: 12, base: 35, rate: 0.3429 });
    expect(food60.categories.map((c) => c.categoryId)).toEqual(['cat-food']);
  });

  it('answers the value at risk worked out by hand', async () => {
    const [, , risk, expiredOnly] = liveAnswers;
    // Horizon 03-10 12:00 + 30 d = 04-09 12:00: M-OLD (03-15, 15 units), C-1 (expired 03-08, 12 units),
    // X-B (03-30, 5 units); not M-NEW (04-20) nor U-1/U-2 (no expiry).
    expect(risk.horizon).toBe(cst('2026-04-09 12:00'));
    expect(risk.skus).toEqual([
      // 15 x 450 = 6750 at cost, 15 x 1200 = 18000 at price.
      {
        sku: 'F-MILK',
        productId: 'P-F',
        title: 'P-F',
        categoryId: 'cat-food',
        currency: 'CNY',
        units: 15,
        expiredUnits: 0,
        earliestExpiry: cst('2026-03-15 00:00'),
        unitCost: 450,
        unitPrice: 1200,
        costValue: 6750,
        retailValue: 18000,
      },
      // No cost: no cost value (the price is not used instead); 12 x 3000 at price.
      {
        sku: 'F-CHEESE',
        productId: 'P-F',
        title: 'P-F',
        categoryId: 'cat-food',
        currency: 'CNY',
        units: 12,
        expiredUnits: 12,
        earliestExpiry: cst('2026-03-08 00:00'),
        unitCost: null,
        unitPrice: 3000,
        costValue: null,
        retailValue: 36000,
      },
      {
        sku: 'X-1',
        productId: null,
        title: null,
        categoryId: null,
        currency: null,
        units: 5,
        expiredUnits: 0,
        earliestExpiry: cst('2026-03-30 00:00'),
        unitCost: null,
        unitPrice: null,
        costValue: null,
        retailValue: null,
      },
    ]);
    const food = {
      currency: 'CNY',
      skus: 2,
      units: 27,
      expiredUnits: 12,
      costValue: 6750,
      unitsWithoutCost: 12,
      retailValue: 54000,
      unitsWithoutPrice: 0,
    };
    const unknown = {
      currency: null,
      skus: 1,
      units: 5,
      expiredUnits: 0,
      costValue: 0,
      unitsWithoutCost: 5,
      retailValue: 0,
      unitsWithoutPrice: 5,
    };
    expect(risk.categories).toEqual([
      { categoryId: 'cat-food', ...food },
      { categoryId: null, ...unknown },
    ]);
    expect(risk.totals).toEqual([food, unknown]);
    // withinDays 0: only what has expired already.
    expect(expiredOnly.skus.map((s) => [s.sku, s.units, s.expiredUnits])).toEqual([['F-CHEESE', 12, 12]]);
  });

  it('comes out the same for any partition-legal order with redeliveries and batch cuts', async () => {
    const direct = DirectProjection.open(projector!, 'stock-health-order');
    /** From empty read models, fed batch by batch as a consumer would be. */
    const project = async (sequence: readonly EventEnvelope[], cuts: readonly number[]) => {
      await direct.replay(sequence, cuts);
      return {
        batches: await dataSource.query(`SELECT * FROM an_stock_batches ORDER BY sku, warehouse, batch`),
        answers: await answers(dataSource),
      };
    };
    try {
      const inOrder = await project(events, [100]);
      expect(inOrder.answers).toEqual(liveAnswers);
      const n = events.length;
      await forEveryDelivery(
        n,
        { redeliveries: 12, maxCut: 10, maxCuts: 5 },
        { numRuns: 12, seed: 20260310 },
        async ({ permutation, redelivered, cuts }) => {
          // Each stream (a SKU's stock, a product) keeps its order, as its partition does.
          const sequence = keepingStreamOrder(events, permutation);
          // Redelivered events come again later (a producer retry, a rebalance): the same again.
          const result = await project(withRedeliveries(sequence, redelivered), cuts);
          expect(result).toEqual(inOrder);
        },
      );
      // The same batch code received twice, the second receipt delivered twice: still its first receipt.
      expect(inOrder.batches.find((b: { batch: string }) => b.batch === 'M-OLD').received_at).toEqual(
        new Date(cst('2026-01-05 09:00')),
      );
      expect(events.filter((e) => topicOf(e) === Topics.inventory).length).toBeGreaterThan(10);
    } finally {
      await direct.close();
    }
  });

  it('a rebuild from the topics equals the live read models and answers', async () => {
    await projector!.close();
    projector = undefined;
    const observer = await openDataSource(database);
    try {
      await rebuildFromTopics({ database, topicPrefix: prefix });
      const rebuilt = await snapshotReadModels(observer);
      expect(rebuilt.an_stock_batches).toEqual(live.an_stock_batches);
      expect(rebuilt).toEqual(live);
      expect(await answers(observer)).toEqual(liveAnswers);
    } finally {
      await observer.destroy();
    }
  });
});
