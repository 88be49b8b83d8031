import { AlertEvents, EventContext, stockWarningAggregateId } from '@ecom/contracts';
import { PostgresEventStore, SqlExecutor } from '@ecom/event-sourcing';
import type { DomainEvent } from '@ecom/event-sourcing';
import type { DataSource } from 'typeorm';
import { StockFacts, StockItemRow } from '../projection/stock-facts';
import {
  ActiveWarning,
  diffWarnings,
  evaluateStockWarnings,
  StockWarningInputs,
  StockWarningParams,
  StockWarningType,
  Warning,
} from './domain/stock-warnings';

const DAY_MS = 86_400_000;

interface WarningRow {
  type: StockWarningType;
  warehouse: string | null;
  available: number;
  safety_stock: number;
  days_of_cover: string | null;
  suggested_reorder_qty: number | null;
  details: Record<string, unknown>;
  since: Date;
}

export interface EvaluateOptions {
  /** Append StockWarningRaised/Cleared for every change (the outbox relay publishes them to analytics.alerts). */
  publish: boolean;
  context: EventContext;
}

export interface EvaluationResult {
  at: Date;
  raised: Warning[];
  cleared: ActiveWarning[];
}

/**
 * Evaluates the stock warnings of one SKU from its facts and writes the changes: new warnings are
 * inserted (and published), warnings that no longer hold are deleted (and published as cleared),
 * the others get fresh figures. The evaluation instant never goes back for a SKU: it is the later of
 * the instant asked for (the event's time, or the clock for the scheduled re-evaluation) and the
 * SKU's previous evaluation, so a replay of the same events comes to the same warnings.
 */
export class StockWarningsService {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly params: StockWarningParams,
  ) {}

  async evaluate(
    tx: SqlExecutor,
    item: StockItemRow,
    requestedAt: Date,
    options: EvaluateOptions,
  ): Promise<EvaluationResult> {
    const at =
      item.evaluated_at && item.evaluated_at.getTime() > requestedAt.getTime()
        ? item.evaluated_at
        : requestedAt;
    const facts = await this.loadFacts(tx, item.sku, at);
    const active = await this.activeWarnings(tx, item.sku);
    const wanted = evaluateStockWarnings(facts, at, this.params);
    const { raised, cleared, kept } = diffWarnings(active, wanted);

    for (const w of [...raised, ...kept]) {
      await tx.query(
        `INSERT INTO an_stock_warnings (type, sku, warehouse_key, warehouse, available, safety_stock, days_of_cover,
           suggested_reorder_qty, details, since)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (type, sku, warehouse_key) DO UPDATE SET available = excluded.available,
           safety_stock = excluded.safety_stock, days_of_cover = excluded.days_of_cover,
           suggested_reorder_qty = excluded.suggested_reorder_qty, details = excluded.details`,
        [
          w.type,
          item.sku,
          w.warehouse ?? '*',
          w.warehouse,
          w.available,
          w.safetyStock,
          w.daysOfCover,
          w.suggestedReorderQty,
          JSON.stringify(w.details),
          at,
        ],
      );
    }
    for (const w of cleared) {
      await tx.query(`DELETE FROM an_stock_warnings WHERE type = $1 AND sku = $2 AND warehouse_key = $3`, [
        w.type,
        item.sku,
        w.warehouse ?? '*',
      ]);
    }
    await tx.query(`UPDATE an_stock_items SET evaluated_at = $2 WHERE sku = $1`, [item.sku, at]);

    if (options.publish) {
      const clearedWith = cleared.map((w) => ({
        ...w,
        available: this.currentAvailable(facts, w.warehouse),
      }));
      await this.publish(
        tx,
        item.sku,
        raised.map((w) => ({ ...w, since: at })),
        clearedWith,
        at,
        options.context,
      );
    }
    return { at, raised, cleared };
  }

  /**
   * Re-evaluates every SKU at an instant (the time-based warnings: expiry, sales windows), one SKU per
   * transaction so that it never holds many SKU locks while events are being applied.
   */
  async reevaluateAll(
    dataSource: DataSource,
    at: Date,
    options: EvaluateOptions,
  ): Promise<{ skus: number; raised: number; cleared: number }> {
    const skus: { sku: string }[] = await dataSource.query(`SELECT sku FROM an_stock_items ORDER BY sku`);
    const stockFacts = new StockFacts();
    let raised = 0;
    let cleared = 0;
    for (const { sku } of skus) {
      const result = await dataSource.transaction(async (tx) =>
        this.evaluate(tx, await stockFacts.lock(tx, sku), at, options),
      );
      raised += result.raised.length;
      cleared += result.cleared.length;
    }
    return { skus: skus.length, raised, cleared };
  }

  /**
   * Makes what analytics.alerts last said for each warning match the active warnings: raises the
   * active ones whose stream last said "cleared" (or nothing), clears the streams that last said
   * "raised" for a warning no longer active. After a rebuild (which applies events without
   * publishing), this publishes only the real differences instead of every warning again.
   */
  async reconcilePublished(
    tx: SqlExecutor,
    context: EventContext,
  ): Promise<{ raised: number; cleared: number }> {
    const published: {
      aggregate_id: string;
      type: string;
      data: { sku: string; warehouse: string | null; type: StockWarningType };
    }[] = await tx.query(
      `SELECT DISTINCT ON (aggregate_id) aggregate_id, type, data FROM es_events
          WHERE aggregate_type = $1 ORDER BY aggregate_id, sequence DESC`,
      [AlertEvents.StockWarningRaised.aggregateType],
    );
    const publishedActive = new Map(
      published.filter((p) => p.type === 'StockWarningRaised').map((p) => [p.aggregate_id, p.data]),
    );
    const rows: (WarningRow & { sku: string })[] = await tx.query(
      `SELECT * FROM an_stock_warnings ORDER BY sku, type, warehouse_key`,
    );
    const active = new Set<string>();
    let raised = 0;
    for (const row of rows) {
      const id = stockWarningAggregateId(row.type, row.sku, row.warehouse);
      active.add(id);
      if (publishedActive.has(id)) continue;
      const warning: ActiveWarning = {
        type: row.type,
        warehouse: row.warehouse,
        available: row.available,
        safetyStock: row.safety_stock,
        daysOfCover: row.days_of_cover === null ? null : Number(row.days_of_cover),
        suggestedReorderQty: row.suggested_reorder_qty,
        details: row.details,
        since: row.since,
      };
      await this.publish(tx, row.sku, [warning], [], row.since, context);
      raised++;
    }
    let cleared = 0;
    for (const [id, data] of publishedActive) {
      if (active.has(id)) continue;
      const [level] = data.warehouse
        ? await tx.query(`SELECT available FROM an_stock_levels WHERE sku = $1 AND warehouse = $2`, [
            data.sku,
            data.warehouse,
          ])
        : await tx.query(`SELECT available FROM an_stock_items WHERE sku = $1`, [data.sku]);
      const [{ now }] = await tx.query(
        `SELECT coalesce(max(evaluated_at), now()) AS now FROM an_stock_items WHERE sku = $1`,
        [data.sku],
      );
      await this.publish(
        tx,
        data.sku,
        [],
        [{ type: data.type, warehouse: data.warehouse, available: level?.available ?? 0 }],
        now,
        context,
      );
      cleared++;
    }
    return { raised, cleared };
  }

  private currentAvailable(facts: StockWarningInputs, warehouse: string | null): number {
    if (warehouse === null) return facts.available;
    return facts.warehouses.find((w) => w.warehouse === warehouse)?.available ?? 0;
  }

  /** Appends the raises and clears to the analytics event store, one stream per warning (type, SKU, warehouse). */
  async publish(
    tx: SqlExecutor,
    sku: string,
    raised: ActiveWarning[],
    cleared: { type: StockWarningType; warehouse: string | null; available: number }[],
    clearedAt: Date,
    context: EventContext,
  ): Promise<void> {
    const streams = [
      ...raised.map((w) => ({
        aggregateType: AlertEvents.StockWarningRaised.aggregateType,
        aggregateId: stockWarningAggregateId(w.type, sku, w.warehouse),
        expectedVersion: 'any' as const,
        events: [
          {
            type: 'StockWarningRaised',
            data: {
              sku,
              warehouse: w.warehouse,
              type: w.type,
              available: w.available,
              safetyStock: w.safetyStock,
              daysOfCover: w.daysOfCover,
              suggestedReorderQty: w.suggestedReorderQty,
              since: w.since.toISOString(),
            },
          } satisfies DomainEvent,
        ],
      })),
      ...cleared.map((w) => ({
        aggregateType: AlertEvents.StockWarningCleared.aggregateType,
        aggregateId: stockWarningAggregateId(w.type, sku, w.warehouse),
        expectedVersion: 'any' as const,
        events: [
          {
            type: 'StockWarningCleared',
            data: {
              sku,
              warehouse: w.warehouse,
              type: w.type,
              available: w.available,
              clearedAt: clearedAt.toISOString(),
            },
          } satisfies DomainEvent,
        ],
      })),
    ];
    if (streams.length > 0) await this.store.append(tx, streams, context);
  }

  async loadFacts(tx: SqlExecutor, sku: string, at: Date): Promise<StockWarningInputs> {
    const [item] = await tx.query(
      `SELECT on_hand, available, safety_stock, lead_time_days FROM an_stock_items WHERE sku = $1`,
      [sku],
    );
    const levels: { warehouse: string; on_hand: number; available: number }[] = await tx.query(
      `SELECT warehouse, on_hand, available FROM an_stock_levels WHERE sku = $1 ORDER BY warehouse`,
      [sku],
    );
    const batches: { warehouse: string; batch: string; expires_at: Date | null; quantity: number }[] =
      await tx.query(
        `SELECT warehouse, batch, expires_at, quantity FROM an_stock_batches WHERE sku = $1 AND quantity > 0
        ORDER BY warehouse, batch`,
        [sku],
      );
    const salesFrom = new Date(at.getTime() - this.params.salesWindowDays * DAY_MS);
    const slowFrom = new Date(at.getTime() - this.params.slowMovingDays * DAY_MS);
    const [sold] = await tx.query(
      `SELECT coalesce(sum(units) FILTER (WHERE occurred_at > $2), 0)::int AS sales_window,
              coalesce(sum(units) FILTER (WHERE occurred_at > $3), 0)::int AS slow_window
         FROM an_stock_sales WHERE sku = $1 AND occurred_at <= $4 AND occurred_at > LEAST($2, $3)`,
      [sku, salesFrom, slowFrom, at],
    );
    return {
      sku,
      onHand: item.on_hand,
      available: item.available,
      safetyStock: item.safety_stock,
      leadTimeDays: item.lead_time_days,
      unitsSoldSalesWindow: sold.sales_window,
      unitsSoldSlowWindow: sold.slow_window,
      warehouses: levels.map((l) => ({ warehouse: l.warehouse, onHand: l.on_hand, available: l.available })),
      batches: batches.map((b) => ({
        warehouse: b.warehouse,
        batch: b.batch,
        expiresAt: b.expires_at,
        quantity: b.quantity,
      })),
    };
  }

  async activeWarnings(tx: SqlExecutor, sku: string): Promise<ActiveWarning[]> {
    const rows: WarningRow[] = await tx.query(
      `SELECT type, warehouse, available, safety_stock, days_of_cover, suggested_reorder_qty, details, since
         FROM an_stock_warnings WHERE sku = $1 ORDER BY type, warehouse_key`,
      [sku],
    );
    return rows.map((r) => ({
      type: r.type,
      warehouse: r.warehouse,
      available: r.available,
      safetyStock: r.safety_stock,
      daysOfCover: r.days_of_cover === null ? null : Number(r.days_of_cover),
      suggestedReorderQty: r.suggested_reorder_qty,
      details: r.details,
      since: r.since,
    }));
  }
}
