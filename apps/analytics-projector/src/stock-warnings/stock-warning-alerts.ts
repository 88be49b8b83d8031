import { AlertEvents, EventContext, stockWarningAggregateId } from '@ecom/contracts';
import type { CommandSession, DomainEvent, SqlExecutor } from '@ecom/event-sourcing';
import type { ActiveWarning, StockWarningType } from './domain/stock-warnings';

/** A warning that no longer holds, with the units available when it cleared. */
export interface ClearedAlert {
  type: StockWarningType;
  warehouse: string | null;
  available: number;
}

/** What a stream's last StockWarningRaised said about its warning. */
export interface RaisedAlert {
  sku: string;
  warehouse: string | null;
  type: StockWarningType;
}

/**
 * The alerts side of the stock warnings: StockWarningRaised/Cleared appended through the command
 * session, one stream per warning (type, SKU, warehouse); the outbox relay publishes them to analytics.alerts.
 */
export class StockWarningAlerts {
  /** The warnings whose stream last said "raised", by stream id. */
  async lastRaised(tx: SqlExecutor): Promise<Map<string, RaisedAlert>> {
    const published: { aggregate_id: string; type: string; data: RaisedAlert }[] = await tx.query(
      `SELECT DISTINCT ON (aggregate_id) aggregate_id, type, data FROM es_events
          WHERE aggregate_type = $1 ORDER BY aggregate_id, sequence DESC`,
      [AlertEvents.StockWarningRaised.aggregateType],
    );
    return new Map(
      published.filter((p) => p.type === 'StockWarningRaised').map((p) => [p.aggregate_id, p.data]),
    );
  }

  /**
   * Appends the raises and clears of one SKU's warnings in the session's transaction, with one append
   * and no load: the warnings were decided from the read models, so no stream version is checked.
   */
  async publish(
    session: CommandSession,
    sku: string,
    raised: ActiveWarning[],
    cleared: ClearedAlert[],
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
    if (streams.length > 0) await session.append(streams, context);
  }
}
