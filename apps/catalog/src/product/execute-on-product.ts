import type { EventContext } from '@ecom/contracts';
import type { CommandSession, Decide } from '@ecom/event-sourcing';
import { ProductAggregate, ProductEvent, ProductState } from './domain/product.aggregate';
import type { ProductCache } from './read-model/product-cache';

/**
 * Decides a command on a Product stream in the session; when it appended events, the product's
 * cached detail is dropped once the session has committed (never on a rollback).
 */
export async function executeOnProduct(
  session: CommandSession,
  cache: ProductCache,
  productId: string,
  decide: Decide<ProductState, ProductEvent>,
  context: EventContext,
): Promise<void> {
  const { events } = await session.execute(ProductAggregate, productId, decide, context);
  if (events.length > 0) {
    session.afterCommit(`product-cache:${productId}`, () => cache.invalidate(productId));
  }
}
