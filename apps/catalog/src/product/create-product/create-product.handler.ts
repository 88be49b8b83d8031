import type { EventContext } from '@ecom/contracts';
import { ConflictError, NotFoundError } from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { CategoryQueries } from '../../category/read-model/category.queries';
import { createProduct } from '../domain/product.decisions';
import { ProductCommands } from '../product-commands';
import { ProductQueries } from '../read-model/product.queries';
import { ProductView } from '../read-model/product.views';
import { CreateProductDto } from './create-product.dto';

@Injectable()
export class CreateProductHandler {
  constructor(
    private readonly commands: ProductCommands,
    private readonly categories: CategoryQueries,
    private readonly products: ProductQueries,
  ) {}

  async execute(dto: CreateProductDto, context: EventContext): Promise<ProductView> {
    const productId = uuidv7();
    await this.commands.run(
      productId,
      async (state, tx) => {
        const category = await this.categories.lockLeafFacts(tx, dto.categoryId);
        if (!category) throw new NotFoundError(`category ${dto.categoryId} not found`, 'CATEGORY_NOT_FOUND');
        // The common case gets a clear message here; a concurrent claim of the same code is caught
        // by the primary key of catalog_skus when the SkuAdded rows are projected.
        const taken = await this.products.takenSkuCodes(
          tx,
          dto.skus.map((sku) => sku.code),
        );
        if (taken.length > 0) {
          throw new ConflictError(
            `SKU code ${taken.map((t) => t.code).join(', ')} is already used by another product`,
            'SKU_CODE_TAKEN',
            { skus: taken.map((t) => t.code) },
          );
        }
        return createProduct(state, {
          productId,
          title: dto.title,
          description: dto.description,
          category,
          attributes: dto.attributes,
          skus: dto.skus,
        });
      },
      context,
    );
    return this.commands.view(productId);
  }
}
