import { NotFoundError, SqlExecutor } from '@ecom/event-sourcing';

/**
 * Locks an order's stream row for the rest of the transaction. Commands that move money (pay, cancel
 * with refund, refund a return) take it before calling the payment gateway, so no other command can
 * append to the order between the decision, the gateway call and the append.
 */
export async function lockOrderStream(tx: SqlExecutor, orderId: string): Promise<void> {
  const rows: unknown[] = await tx.query(
    `SELECT version FROM es_streams WHERE aggregate_type = 'Order' AND aggregate_id = $1 FOR UPDATE`,
    [orderId],
  );
  if (rows.length === 0) throw new NotFoundError('order not found', 'ORDER_NOT_FOUND');
}
