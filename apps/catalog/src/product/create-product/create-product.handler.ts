import type { EventContext } from '@ecom/contracts';
import { ConflictError, NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { CategoryQueries } from '../../category/read-model/category.queries';
import { runCatalogCommand } from '../../shared/run-catalog-command';
import { createProduct } from '../domain/product.decisions';
import { executeOnProduct } from '../execute-on-product';
import { ProductCache } from '../read-model/product-cache';
import { ProductQueries } from '../read-model/product.queries';
import { ProductView } from '../read-model/product.views';
import { CreateProductDto } from './create-product.dto';

@Injectable()
export class CreateProductHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly categories: CategoryQueries,
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

  async execute(dto: CreateProductDto, context: EventContext): Promise<ProductView> {
    const productId = uuidv7();
    await runCatalogCommand(this.runtime.commands, async (session) => {
      const category = await this.categories.lockLeafFacts(session.sql, dto.categoryId);
      if (!category) throw new NotFoundError(`category ${dto.categoryId} not found`, 'CATEGORY_NOT_FOUND');
      // The common case gets a clear message here; a concurrent claim of the same code is caught
      // by the primary key of catalog_skus when the SkuAdded rows are projected.
      const taken = await this.products.takenSkuCodes(
        session.sql,
        dto.skus.map((sku) => sku.code),
      );
      if (taken.length > 0) {
        throw new ConflictError(
          `SKU code ${taken.map((t) => t.code).join(', ')} is already used by another product`,
          'SKU_CODE_TAKEN',
          { skus: taken.map((t) => t.code) },
        );
      }
      await executeOnProduct(
        session,
        this.cache,
        productId,
        (state) =>
          createProduct(state, {
            productId,
            title: dto.title,
            description: dto.description,
            category,
            attributes: dto.attributes,
            skus: dto.skus,
          }),
        context,
      );
    });
    return (await this.products.product(productId))!;
  }
}
