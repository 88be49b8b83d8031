import { Topics } from '@ecom/contracts';
import { deleteTestTopics, TestService, TopicProbe, waitUntil } from '@ecom/testing';
import { DataSource } from 'typeorm';
import { publishTo } from '../test/delivery';
import { cst, EventFactory } from '../test/event-factory';
import { freshTopics, startProjector, waitForProjection } from '../test/harness';

/**
 * A warning an operator cleared (DELETE /v1/analytics/stock-warnings/:sku/:type on the analytics API
 * marks its row dismissed and publishes StockWarningCleared) is not raised again by the projector
 * while it still holds, however often the SKU is re-evaluated; once it no longer holds the mark is
 * gone, and when the condition comes back the warning is raised as usual (issue 12, item 8).
 */
describe('stock warnings dismissed by an operator', () => {
  let projector: TestService;
  let alerts: TopicProbe;
  let dataSource: DataSource;
  const INTERVAL = 300;
  const f = new EventFactory();
  const totals = (onHand: number) => ({ onHand, reserved: 0, available: onHand });
  const publish = async () => {
    await publishTo(projector.topicPrefix, f.events, 'dismissal-producer');
    await waitForProjection(dataSource, f.events.length);
  };
  const outOfStockAlerts = () =>
    alerts
      .events()
      .filter((e) => e.aggregateId === 'OUT_OF_STOCK:JUNK:*')
      .map((e) => e.type);

  beforeAll(async () => {
    projector = await startProjector({
      topicPrefix: await freshTopics('dismiss'),
      env: { ANALYTICS_FIXED_NOW: cst('2026-03-01 12:00'), STOCK_WARNING_INTERVAL_MS: String(INTERVAL) },
    });
    dataSource = projector.app.get(DataSource);
    alerts = await TopicProbe.start(projector.topicPrefix, [Topics.analyticsAlerts]);
  });

  afterAll(async () => {
    await alerts?.stop();
    await projector?.close();
    if (projector) await deleteTestTopics(projector.topicPrefix);
  });

  it('stays silent while it holds, and is raised again when it ends and comes back', async () => {
    f.make(
      'StockPolicyChanged',
      { sku: 'JUNK', safetyStock: 0, leadTimeDays: null },
      cst('2026-03-01 08:00'),
    );
    await publish();
    await waitUntil(() => outOfStockAlerts().includes('StockWarningRaised'), {
      message: 'OUT_OF_STOCK raised',
    });

    // What the analytics API does on DELETE (its own int-spec covers the HTTP side).
    await dataSource.query(
      `UPDATE an_stock_warnings SET details = details || '{"dismissedAt":"2026-03-01T04:00:00Z","dismissedBy":"op-1"}'
        WHERE sku = 'JUNK' AND type = 'OUT_OF_STOCK'`,
    );

    // Re-evaluations (the schedule, and a new stock event of the SKU) keep it dismissed and silent.
    f.make('StockPolicyChanged', { sku: 'JUNK', safetyStock: 0, leadTimeDays: 3 }, cst('2026-03-01 09:00'));
    await publish();
    await new Promise((resolve) => setTimeout(resolve, INTERVAL * 5));
    const [kept] = await dataSource.query(
      `SELECT details FROM an_stock_warnings WHERE sku = 'JUNK' AND type = 'OUT_OF_STOCK'`,
    );
    expect(kept.details).toMatchObject({ dismissedAt: '2026-03-01T04:00:00Z', dismissedBy: 'op-1' });
    expect(outOfStockAlerts()).toEqual(['StockWarningRaised']);

    // Stock arrives: the warning no longer holds; its clear was already published, so nothing more.
    const levels = (onHand: number) => [{ warehouse: 'WH1', ...totals(onHand) }];
    f.make(
      'StockReceived',
      {
        sku: 'JUNK',
        warehouse: 'WH1',
        quantity: 5,
        batch: null,
        expiresAt: null,
        levels: levels(5),
        totals: totals(5),
      },
      cst('2026-03-01 10:00'),
    );
    await publish();
    await waitUntil(
      async () =>
        (
          await dataSource.query(
            `SELECT 1 FROM an_stock_warnings WHERE sku = 'JUNK' AND type = 'OUT_OF_STOCK'`,
          )
        ).length === 0,
      { message: 'the dismissed warning gone once it no longer holds' },
    );

    // Out of stock again: a new warning, raised as usual.
    f.make(
      'StockAdjusted',
      {
        sku: 'JUNK',
        warehouse: 'WH1',
        delta: -5,
        reason: 'damaged',
        batch: null,
        levels: levels(0),
        totals: totals(0),
      },
      cst('2026-03-01 11:00'),
    );
    await publish();
    await waitUntil(() => outOfStockAlerts().length === 2, { message: 'OUT_OF_STOCK raised again' });
    expect(outOfStockAlerts()).toEqual(['StockWarningRaised', 'StockWarningRaised']);
    const [again] = await dataSource.query(
      `SELECT details FROM an_stock_warnings WHERE sku = 'JUNK' AND type = 'OUT_OF_STOCK'`,
    );
    expect(again.details.dismissedAt).toBeUndefined();
  }, 120_000);
});
