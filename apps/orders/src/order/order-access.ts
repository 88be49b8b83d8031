import { AuthenticatedMember, isBackOffice } from '@ecom/auth';
import { ForbiddenError, NotFoundError } from '@ecom/event-sourcing';
import type { Actor } from './domain/order.decisions';

/**
 * Per-object authorization: operators (and admins) act on every order; a customer only on their
 * own. Another member's order is reported as not found, so order ids cannot be probed.
 */
export function assertOrderAccess(
  member: AuthenticatedMember | undefined,
  ownerId: string | null | undefined,
): void {
  if (!member || !ownerId || (member.id !== ownerId && !isBackOffice(member))) {
    throw new NotFoundError('order not found', 'ORDER_NOT_FOUND');
  }
}

/**
 * A command only the customer who placed the order gives (confirm receipt, request a return): an
 * operator is refused with 403 naming `action`, anyone else gets 404 as above.
 */
export function assertOrderOwner(member: AuthenticatedMember, ownerId: string, action: string): void {
  assertOrderAccess(member, ownerId);
  if (member.id !== ownerId) {
    throw new ForbiddenError(`only the customer who placed the order ${action}`, 'NOT_ORDER_OWNER');
  }
}

/** Who a transition is attributed to: the owner acts as the customer, anyone else as an operator. */
export function actorOf(member: AuthenticatedMember, ownerId: string): Actor {
  return member.id === ownerId ? 'customer' : 'operator';
}
