import { dayOf } from '@ecom/analytics-read-models';
import type { EnvelopeOf } from '@ecom/contracts';
import type { SqlExecutor } from '@ecom/event-sourcing';

/**
 * A declined payment attempt (PaymentFailed), for the hourly payment success rate. One row per event
 * (an order may be declined several times), insert-or-ignore: redelivery and order change nothing.
 */
export async function recordPaymentFailure(
  tx: SqlExecutor,
  event: EnvelopeOf<'PaymentFailed'>,
  timeZone: string,
): Promise<void> {
  const d = event.data;
  await tx.query(
    `INSERT INTO an_payment_failures (event_id, order_id, member_id, amount, currency, method, reason, failed_at, day)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING`,
    [
      event.id,
      d.orderId,
      d.memberId,
      d.amount,
      d.currency,
      d.method,
      d.reason,
      event.occurredAt,
      dayOf(event.occurredAt, timeZone),
    ],
  );
}
