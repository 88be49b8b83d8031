import type { EventContext } from '@ecom/contracts';
import { NotFoundError } from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { CategoryQueries } from '../../category/read-model/category.queries';
import { publishProduct, unpublishProduct } from '../domain/product.decisions';
import { ProductCommands } from '../product-commands';
import { ProductView } from '../read-model/product.views';

@Injectable()
export class PublishProductHandler {
  constructor(
    private readonly commands: ProductCommands,
    private readonly categories: CategoryQueries,
  ) {}

  async publish(productId: string, context: EventContext): Promise<ProductView> {
    await this.commands.run(
      productId,
      async (state, tx) => {
        if (!state.exists) throw new NotFoundError(`product ${productId} not found`, 'PRODUCT_NOT_FOUND');
        // Locked FOR SHARE until commit: the category cannot gain a first child meanwhile.
        const category = await this.categories.lockLeafFacts(tx, state.categoryId);
        if (!category)
          throw new NotFoundError(`category ${state.categoryId} not found`, 'CATEGORY_NOT_FOUND');
        return publishProduct(state, productId, category);
      },
      context,
    );
    return this.commands.view(productId);
  }

  async unpublish(productId: string, context: EventContext): Promise<ProductView> {
    await this.commands.run(productId, (state) => unpublishProduct(state, productId), context);
    return this.commands.view(productId);
  }
}
