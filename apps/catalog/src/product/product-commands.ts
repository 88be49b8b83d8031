import type { EventContext } from '@ecom/contracts';
import { AggregateRepository, CommandResult, NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { CommandRunner, DecideInTransaction } from '../shared/command-runner';
import { ProductAggregate, ProductEvent, ProductState } from './domain/product.aggregate';
import { ProductCache } from './read-model/product-cache';
import { ProductQueries } from './read-model/product.queries';
import { ProductView, SkuDetailView } from './read-model/product.views';

/**
 * What every product command handler does around its decision: run it on the Product stream, and
 * once committed invalidate the cached product detail; then answer with the fresh read model.
 */
@Injectable()
export class ProductCommands {
  readonly repository: AggregateRepository<ProductState, ProductEvent>;

  constructor(
    runtime: EventSourcingRuntime,
    private readonly runner: CommandRunner,
    private readonly cache: ProductCache,
    private readonly queries: ProductQueries,
  ) {
    this.repository = runtime.repository(ProductAggregate);
  }

  async run(
    productId: string,
    decide: DecideInTransaction<ProductState, ProductEvent>,
    context: EventContext,
  ): Promise<CommandResult<ProductState>> {
    const result = await this.runner.run(this.repository, productId, decide, context);
    if (result.events.length > 0) await this.cache.invalidate(productId);
    return result;
  }

  /** A command addressed by SKU code: finds the SKU's product (404 if no product has the code). */
  async runOnSku(
    code: string,
    decide: (state: ProductState, productId: string) => readonly ProductEvent[],
    context: EventContext,
  ): Promise<SkuDetailView> {
    const productId = await this.queries.productIdOfSku(code);
    if (!productId) throw new NotFoundError(`SKU ${code} not found`, 'SKU_NOT_FOUND');
    await this.run(productId, (state) => decide(state, productId), context);
    return (await this.queries.sku(code))!;
  }

  async view(productId: string): Promise<ProductView> {
    const product = await this.queries.product(productId);
    if (!product) throw new NotFoundError(`product ${productId} not found`, 'PRODUCT_NOT_FOUND');
    return product;
  }
}
