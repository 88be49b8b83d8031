import { v5 as uuidv5 } from 'uuid';

/**
 * Ids of what the order-history import creates, derived from the source platform's ids so that every
 * service computes the same id without asking another, and importing the same history twice appends
 * to the same streams (and is refused there) instead of creating duplicates.
 */
const IMPORTED_ORDER_NAMESPACE = '3f0c1f2e-6c55-4d0a-9a55-6b1f3c2d7e01';
const IMPORTED_MEMBER_NAMESPACE = '8a7d2b44-1e9f-4c3b-b2a6-0d5e9f4c1a02';

/** The orderId of the imported order with this source order id. */
export function importedOrderId(sourceOrderId: string): string {
  return uuidv5(sourceOrderId, IMPORTED_ORDER_NAMESPACE);
}

/** The memberId of the member with this customer id on the source platform. */
export function importedMemberId(customerRef: string): string {
  return uuidv5(customerRef, IMPORTED_MEMBER_NAMESPACE);
}
