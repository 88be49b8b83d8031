import type { EventContext } from '@ecom/contracts';
import { NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { CategoryQueries } from '../../category/read-model/category.queries';
import { runCatalogCommand } from '../../shared/run-catalog-command';
import { publishProduct } from '../domain/product.decisions';
import { executeOnProduct } from '../execute-on-product';
import { ProductCache } from '../read-model/product-cache';
import { ProductQueries } from '../read-model/product.queries';
import { ProductView } from '../read-model/product.views';

@Injectable()
export class PublishProductHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly categories: CategoryQueries,
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

  async execute(productId: string, context: EventContext): Promise<ProductView> {
    await runCatalogCommand(this.runtime.commands, (session) =>
      executeOnProduct(
        session,
        this.cache,
        productId,
        async (state) => {
          if (!state.exists) throw new NotFoundError(`product ${productId} not found`, 'PRODUCT_NOT_FOUND');
          // Locked FOR SHARE until commit: the category cannot gain a first child meanwhile.
          const category = await this.categories.lockLeafFacts(session.sql, state.categoryId);
          if (!category)
            throw new NotFoundError(`category ${state.categoryId} not found`, 'CATEGORY_NOT_FOUND');
          return publishProduct(state, { productId, category });
        },
        context,
      ),
    );
    return (await this.products.product(productId))!;
  }
}
