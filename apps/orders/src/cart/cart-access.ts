import { AuthenticatedMember } from '@ecom/auth';
import { NotFoundError } from '@ecom/event-sourcing';
import type { CartState } from './domain/cart.aggregate';

/**
 * A member's cart is only theirs (anyone else: 404); an anonymous cart is addressed by its id, a
 * UUIDv7 with 74 random bits that cannot be guessed. A cart with no events does not exist.
 */
export function assertCartAccess(
  member: AuthenticatedMember | undefined,
  state: CartState,
  version: number,
): void {
  if (version === 0 || (state.memberId !== null && state.memberId !== member?.id)) {
    throw new NotFoundError('cart not found', 'CART_NOT_FOUND');
  }
}
