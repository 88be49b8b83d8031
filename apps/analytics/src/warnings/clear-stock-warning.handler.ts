import { AlertEvents, EventContext, stockWarningAggregateId } from '@ecom/contracts';
import { NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import type { ClearableWarningType } from './clear-stock-warning.dto';

export interface ClearStockWarning {
  sku: string;
  type: ClearableWarningType;
  warehouse: string | null;
  /** The operator's member id. */
  clearedBy: string;
}

/**
 * An operator clears a stock warning that should not be there (e.g. for a SKU that was never sold).
 * In one transaction of the analytics database: the SKU's row in an_stock_items is locked (the
 * projector's evaluation of the SKU takes the same lock), the active warning is marked dismissed
 * (`details.dismissedAt`, `details.dismissedBy`) and StockWarningCleared is appended to its stream,
 * which the outbox relay publishes to analytics.alerts. The projector keeps a dismissed warning
 * silent while it still holds, and drops the mark once it no longer holds: if the condition comes
 * back later, the warning is raised again as usual.
 */
@Injectable()
export class ClearStockWarningHandler {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  async execute(command: ClearStockWarning, context: EventContext): Promise<void> {
    const warehouseKey = command.warehouse ?? '*';
    await this.runtime.commands.run(async (session) => {
      await session.sql.query(`SELECT sku FROM an_stock_items WHERE sku = $1 FOR UPDATE`, [command.sku]);
      const clearedAt = new Date().toISOString();
      const rows: { warehouse: string | null; available: number }[] = await session.sql.query(
        // (In a WITH: TypeORM answers a bare UPDATE ... RETURNING with [rows, count], a SELECT with rows.)
        `WITH dismissed AS (
           UPDATE an_stock_warnings
              SET details = details || jsonb_build_object('dismissedAt', $4::text, 'dismissedBy', $5::text)
            WHERE type = $1 AND sku = $2 AND warehouse_key = $3 AND NOT (details ? 'dismissedAt')
            RETURNING warehouse, available)
         SELECT warehouse, available FROM dismissed`,
        [command.type, command.sku, warehouseKey, clearedAt, command.clearedBy],
      );
      if (rows.length === 0) {
        throw new NotFoundError(
          `no active ${command.type} warning for sku ${command.sku}` +
            (command.warehouse ? ` in warehouse ${command.warehouse}` : ''),
          'STOCK_WARNING_NOT_FOUND',
        );
      }
      const [{ warehouse, available }] = rows;
      await session.append(
        [
          {
            aggregateType: AlertEvents.StockWarningCleared.aggregateType,
            aggregateId: stockWarningAggregateId(command.type, command.sku, warehouse),
            expectedVersion: 'any',
            events: [
              {
                type: 'StockWarningCleared',
                data: { sku: command.sku, warehouse, type: command.type, available, clearedAt },
              },
            ],
          },
        ],
        context,
      );
    });
  }
}
