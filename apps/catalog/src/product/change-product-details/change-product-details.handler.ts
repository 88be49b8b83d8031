import type { EventContext } from '@ecom/contracts';
import { NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { CategoryQueries } from '../../category/read-model/category.queries';
import { runCatalogCommand } from '../../shared/run-catalog-command';
import { CategoryFacts, changeProductDetails } from '../domain/product.decisions';
import { executeOnProduct } from '../execute-on-product';
import { ProductCache } from '../read-model/product-cache';
import { ProductQueries } from '../read-model/product.queries';
import { ProductView } from '../read-model/product.views';
import { ChangeProductDetailsDto } from './change-product-details.dto';

@Injectable()
export class ChangeProductDetailsHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly categories: CategoryQueries,
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

  async execute(
    productId: string,
    dto: ChangeProductDetailsDto,
    context: EventContext,
  ): Promise<ProductView> {
    await runCatalogCommand(this.runtime.commands, (session) =>
      executeOnProduct(
        session,
        this.cache,
        productId,
        async (state) => {
          let category: CategoryFacts | undefined;
          // Only a move reads (and locks) the new category.
          if (state.exists && dto.categoryId !== undefined && dto.categoryId !== state.categoryId) {
            category = (await this.categories.lockLeafFacts(session.sql, dto.categoryId)) ?? undefined;
            if (!category)
              throw new NotFoundError(`category ${dto.categoryId} not found`, 'CATEGORY_NOT_FOUND');
          }
          return changeProductDetails(state, {
            productId,
            title: dto.title,
            description: dto.description,
            attributes: dto.attributes,
            category,
          });
        },
        context,
      ),
    );
    return (await this.products.product(productId))!;
  }
}
