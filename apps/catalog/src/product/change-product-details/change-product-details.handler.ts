import type { EventContext } from '@ecom/contracts';
import { NotFoundError } from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { CategoryQueries } from '../../category/read-model/category.queries';
import { changeProductDetails, CategoryFacts } from '../domain/product.decisions';
import { ProductCommands } from '../product-commands';
import { ProductView } from '../read-model/product.views';
import { ChangeProductDetailsDto } from './change-product-details.dto';

@Injectable()
export class ChangeProductDetailsHandler {
  constructor(
    private readonly commands: ProductCommands,
    private readonly categories: CategoryQueries,
  ) {}

  async execute(
    productId: string,
    dto: ChangeProductDetailsDto,
    context: EventContext,
  ): Promise<ProductView> {
    await this.commands.run(
      productId,
      async (state, tx) => {
        let category: CategoryFacts | undefined;
        if (state.exists && dto.categoryId !== undefined && dto.categoryId !== state.categoryId) {
          category = (await this.categories.lockLeafFacts(tx, dto.categoryId)) ?? undefined;
          if (!category)
            throw new NotFoundError(`category ${dto.categoryId} not found`, 'CATEGORY_NOT_FOUND');
        }
        return changeProductDetails(state, productId, {
          title: dto.title,
          description: dto.description,
          attributes: dto.attributes,
          category,
        });
      },
      context,
    );
    return this.commands.view(productId);
  }
}
