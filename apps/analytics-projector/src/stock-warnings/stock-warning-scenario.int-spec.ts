import { snapshotReadModels, StockWarningQueries } from '@ecom/analytics-read-models';
import { Topics, type EventEnvelope } from '@ecom/contracts';
import { createTestDatabase, deleteTestTopics, TestDatabase, TestService } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { ProjectorSchedules } from '../runner/projector-schedules';
import { publishTo, rebuildFromTopics } from '../test/delivery';
import { cst, topicOf } from '../test/event-factory';
import {
  freshTopics,
  handledCount,
  openDataSource,
  startProjector,
  waitForProjection,
} from '../test/harness';
import { stockScenarioEvents } from './test/stock-scenario-events';

type Snapshot = Record<string, unknown[]>;

/**
 * Where stock warnings get their facts (issue 15): the batches inventory's events say moved (a
 * write-off naming no batch, a transfer), units reserved for orders counted as sold (a sold-out SKU is
 * not slow), and listed SKUs that inventory never stocked (OUT_OF_STOCK from the catalog). The
 * scenario of test/stock-scenario-events.ts, expected figures worked out by hand below; then the same
 * events in another order with redeliveries, and a rebuild, must leave the same read models.
 * Analytics clock: 2026-03-10 12:00 +08:00.
 */
describe('stock warnings from batches, reservations and listings', () => {
  const events = stockScenarioEvents();
  const expected = handledCount(events);
  const owned: { database?: TestDatabase; prefix: string }[] = [];
  let database: TestDatabase;
  let prefix: string;
  let projector: TestService | undefined;
  let dataSource: DataSource;
  let live: Snapshot;

  const publish = (topicPrefix: string, list: readonly EventEnvelope[]) =>
    publishTo(topicPrefix, list, 'stock-scenario-producer');

  /** Every event projected, then the schedule's re-evaluation at the clock, as live. */
  async function settle(service: TestService): Promise<Snapshot> {
    const source = service.app.get(DataSource);
    await waitForProjection(source, expected);
    await service.app.get(ProjectorSchedules).reevaluateStockWarnings();
    return snapshotReadModels(source);
  }

  beforeAll(async () => {
    database = await createTestDatabase('analytics_stock_scenario');
    prefix = await freshTopics('stock-scenario');
    owned.push({ database, prefix });
    projector = await startProjector({ database, topicPrefix: prefix });
    dataSource = projector.app.get(DataSource);
    // The catalog first, as a shop lists before it stocks: which listed SKUs were out of stock before
    // their first inventory event is then fixed, and so are the alerts.
    await publish(
      prefix,
      events.filter((e) => topicOf(e) === Topics.catalog),
    );
    await waitForProjection(dataSource, handledCount(events.filter((e) => topicOf(e) === Topics.catalog)));
    await publish(
      prefix,
      events.filter((e) => topicOf(e) !== Topics.catalog),
    );
    live = await settle(projector);
  });

  afterAll(async () => {
    await projector?.close();
    for (const owner of owned) {
      await owner.database?.drop().catch(() => undefined);
      await deleteTestTopics(owner.prefix).catch(() => undefined);
    }
  });

  it('leaves the warnings worked out by hand', async () => {
    // S-MILK: M-SOON (10, expires 03-20) raised NEAR_EXPIRY WH1 at its receipt; the write-off that named no
    //    batch took M-SOON (the event says so): cleared. 20 of M-LATER left, never sold: SLOW_MOVING since 03-02 09:00.
    // S-OLD: the same with a write-off written before events named batches: the projector cannot know which
    //    batch went, so O-SOON still counts 10 (of 20 on hand): NEAR_EXPIRY stays, as it always did.
    // S-MOVE: 3 of V-LATE and 2 of V-SOON went to WH2: WH1 keeps 3 of V-SOON (NEAR_EXPIRY since its receipt),
    //    WH2 holds 2 of V-SOON (NEAR_EXPIRY since the transfer 03-04 10:00). 10 on hand, none sold: SLOW_MOVING.
    // S-SOLD: all 10 reserved for o-sold on 03-05 10:00: OUT_OF_STOCK; SLOW_MOVING ended then ((0 + 10) / 10).
    // S-LIST: listed 03-01 09:00 (added 08:00), never stocked: OUT_OF_STOCK since its listing.
    // S-NEW: added to the listed PS on 03-06 10:00: OUT_OF_STOCK since its addition.
    // S-DISC (discontinued), S-UNL (unlisted): theirs were cleared. S-ARRIVES: stock came, 1 of 10 reserved.
    // S-STOCKED: inventory's first event (a policy, nothing on hand) replaced the catalog's OUT_OF_STOCK
    //    with its own, since 03-02 09:00.
    const near = (sku: string, warehouse: string, since: string, batch: string, quantity: number) => ({
      sku,
      warehouse,
      type: 'NEAR_EXPIRY',
      available: 5,
      safetyStock: 0,
      daysOfCover: null,
      suggestedReorderQty: null,
      since: cst(since),
      details: {
        batch,
        expiresAt: cst(batch === 'O-SOON' ? '2026-03-20 00:00' : '2026-03-25 00:00'),
        quantity,
        expiringBatches: 1,
        expired: false,
      },
    });
    const out = (sku: string, since: string, details: Record<string, unknown>) => ({
      sku,
      warehouse: null,
      type: 'OUT_OF_STOCK',
      available: 0,
      safetyStock: 0,
      daysOfCover: null,
      suggestedReorderQty: null,
      since: cst(since),
      details,
    });
    const slow = (sku: string, onHand: number) => ({
      sku,
      warehouse: null,
      type: 'SLOW_MOVING',
      available: onHand,
      safetyStock: 0,
      daysOfCover: null,
      suggestedReorderQty: null,
      since: cst('2026-03-02 09:00'),
      details: { onHand, unitsSold: 0, unitsReserved: 0, windowDays: 30, sellThrough: 0 },
    });
    expect(await new StockWarningQueries(dataSource).active()).toEqual([
      near('S-MOVE', 'WH1', '2026-03-02 09:00', 'V-SOON', 3),
      near('S-MOVE', 'WH2', '2026-03-04 10:00', 'V-SOON', 2),
      { ...near('S-OLD', 'WH1', '2026-03-02 09:00', 'O-SOON', 10), available: 20 },
      out('S-LIST', '2026-03-01 09:00', { onHand: 0, neverStocked: true }),
      out('S-NEW', '2026-03-06 10:00', { onHand: 0, neverStocked: true }),
      out('S-SOLD', '2026-03-05 10:00', { onHand: 10 }),
      out('S-STOCKED', '2026-03-02 09:00', { onHand: 0 }),
      slow('S-MILK', 20),
      slow('S-MOVE', 10),
      slow('S-OLD', 20),
    ]);
  });

  it('moves the batches the events name', async () => {
    const batches = await dataSource.query(
      `SELECT sku, warehouse, batch, quantity FROM an_stock_batches
        WHERE sku IN ('S-MILK', 'S-OLD', 'S-MOVE') ORDER BY sku, warehouse, batch`,
    );
    expect(batches).toEqual([
      { sku: 'S-MILK', warehouse: 'WH1', batch: 'M-LATER', quantity: 20 },
      { sku: 'S-MILK', warehouse: 'WH1', batch: 'M-SOON', quantity: 0 },
      { sku: 'S-MOVE', warehouse: 'WH1', batch: 'V-LATE', quantity: 2 },
      { sku: 'S-MOVE', warehouse: 'WH1', batch: 'V-SOON', quantity: 3 },
      { sku: 'S-MOVE', warehouse: 'WH2', batch: 'V-LATE', quantity: 3 },
      { sku: 'S-MOVE', warehouse: 'WH2', batch: 'V-SOON', quantity: 2 },
      // Written before batches were named: only the receipts are known.
      { sku: 'S-OLD', warehouse: 'WH1', batch: 'O-LATER', quantity: 20 },
      { sku: 'S-OLD', warehouse: 'WH1', batch: 'O-SOON', quantity: 10 },
    ]);
    // A moved batch keeps its expiry at the destination.
    const [moved] = await dataSource.query(
      `SELECT expires_at FROM an_stock_batches WHERE sku = 'S-MOVE' AND warehouse = 'WH2' AND batch = 'V-SOON'`,
    );
    expect(moved.expires_at.toISOString()).toBe(cst('2026-03-25 00:00'));
  });

  it('appended every raise and clear, one stream per warning', async () => {
    const rows: { aggregate_id: string; type: string; data: { since?: string; clearedAt?: string } }[] =
      await dataSource.query(
        `SELECT aggregate_id, type, data FROM es_events WHERE aggregate_type = 'StockWarning'
          ORDER BY aggregate_id, sequence`,
      );
    const R = (at: string) => `raised ${cst(at)}`;
    const C = (at: string) => `cleared ${cst(at)}`;
    const streams: Record<string, string[]> = {};
    for (const row of rows) {
      const said =
        row.type === 'StockWarningRaised' ? `raised ${row.data.since}` : `cleared ${row.data.clearedAt}`;
      (streams[row.aggregate_id] ??= []).push(said);
    }
    expect(streams).toEqual({
      'NEAR_EXPIRY:S-MILK:WH1': [R('2026-03-02 09:00'), C('2026-03-03 10:00')],
      'NEAR_EXPIRY:S-MOVE:WH1': [R('2026-03-02 09:00')],
      'NEAR_EXPIRY:S-MOVE:WH2': [R('2026-03-04 10:00')],
      'NEAR_EXPIRY:S-OLD:WH1': [R('2026-03-02 09:00')],
      'OUT_OF_STOCK:S-ARRIVES:*': [R('2026-03-01 09:00'), C('2026-03-02 09:00')],
      'OUT_OF_STOCK:S-DISC:*': [R('2026-03-01 09:00'), C('2026-03-07 10:00')],
      'OUT_OF_STOCK:S-LIST:*': [R('2026-03-01 09:00')],
      'OUT_OF_STOCK:S-NEW:*': [R('2026-03-06 10:00')],
      'OUT_OF_STOCK:S-SOLD:*': [R('2026-03-05 10:00')],
      // The catalog's, then inventory's own when its first event came.
      'OUT_OF_STOCK:S-STOCKED:*': [R('2026-03-01 09:00'), R('2026-03-02 09:00')],
      'OUT_OF_STOCK:S-UNL:*': [R('2026-03-01 09:00'), C('2026-03-08 10:00')],
      'SLOW_MOVING:S-ARRIVES:*': [R('2026-03-02 09:00'), C('2026-03-02 10:00')],
      'SLOW_MOVING:S-MILK:*': [R('2026-03-02 09:00')],
      'SLOW_MOVING:S-MOVE:*': [R('2026-03-02 09:00')],
      'SLOW_MOVING:S-OLD:*': [R('2026-03-02 09:00')],
      'SLOW_MOVING:S-SOLD:*': [R('2026-03-02 09:00'), C('2026-03-05 10:00')],
    });
  });

  it('comes out the same with inventory before the catalog and redelivered events', async () => {
    const otherPrefix = await freshTopics('stock-reorder');
    owned.push({ prefix: otherPrefix });
    const other = await startProjector({ topicPrefix: otherPrefix });
    try {
      await publish(
        otherPrefix,
        events.filter((e) => topicOf(e) === Topics.inventory),
      );
      await waitForProjection(
        other.app.get(DataSource),
        handledCount(events.filter((e) => topicOf(e) === Topics.inventory)),
      );
      await publish(otherPrefix, events.filter((e) => topicOf(e) !== Topics.inventory).reverse());
      // Every third event again, as after a producer retry or a rebalance.
      await publish(
        otherPrefix,
        events.filter((_, i) => i % 3 === 0),
      );
      expect(await settle(other)).toEqual(live);
    } finally {
      await other.close();
    }
  });

  it('a rebuild from the topics equals the live read models and republishes no alert', async () => {
    await projector!.close();
    projector = undefined;
    const observer = await openDataSource(database);
    try {
      const result = await rebuildFromTopics({ database, topicPrefix: prefix });
      expect(result.alertsPublished).toEqual({ raised: 0, cleared: 0 });
      expect(result.stockWarnings.active).toBe(10);
      expect(await snapshotReadModels(observer)).toEqual(live);
    } finally {
      await observer.destroy();
    }
  });
});
