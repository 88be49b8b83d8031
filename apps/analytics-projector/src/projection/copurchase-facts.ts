import { syncCopurchase, CopurchaseSyncResult } from '@ecom/analytics-read-models';
import type { EventEnvelope } from '@ecom/contracts';
import type { SqlExecutor } from '@ecom/event-sourcing';

/** Events whose facts can make an order count for co-purchase or stop counting: lines, payment, refunds. */
const ORDER_FACT_TYPES = new Set(['OrderPlaced', 'OrderPaid', 'RefundIssued', 'OrderImported']);

/**
 * Co-purchase counts in the projector's batch: after the batch's order facts are written, the orders
 * they belong to are re-examined in the same transaction (syncCopurchase), so the counts commit with
 * the facts and a redelivered or reordered event changes nothing twice.
 */
export class CopurchaseFacts {
  sync(sql: SqlExecutor, events: readonly EventEnvelope[]): Promise<CopurchaseSyncResult> {
    const orders = events
      .filter((event) => ORDER_FACT_TYPES.has(event.type))
      .map((event) => (event.data as { orderId: string }).orderId);
    return syncCopurchase(sql, orders);
  }
}
