import { v5 as uuidv5 } from 'uuid';

/**
 * Refund ids derived from what is refunded, never random: an order is refunded at most once for its
 * cancellation and once per return, so a retried request (after a 503 that hid a refund the gateway
 * did make) sends the gateway the same refund id, which it refunds at most once.
 */
const REFUND_NAMESPACE = '5b0e7d1c-2f4a-4e8b-9c3d-7a1f6e2b9d04';

export function cancellationRefundId(orderId: string): string {
  return uuidv5(`cancellation:${orderId}`, REFUND_NAMESPACE);
}

export function returnRefundId(returnId: string): string {
  return uuidv5(`return:${returnId}`, REFUND_NAMESPACE);
}
