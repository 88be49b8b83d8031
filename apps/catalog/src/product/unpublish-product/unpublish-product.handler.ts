import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { runCatalogCommand } from '../../shared/run-catalog-command';
import { unpublishProduct } from '../domain/product.decisions';
import { executeOnProduct } from '../execute-on-product';
import { ProductCache } from '../read-model/product-cache';
import { ProductQueries } from '../read-model/product.queries';
import { ProductView } from '../read-model/product.views';

@Injectable()
export class UnpublishProductHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

  async execute(productId: string, context: EventContext): Promise<ProductView> {
    await runCatalogCommand(this.runtime.commands, (session) =>
      executeOnProduct(
        session,
        this.cache,
        productId,
        (state) => unpublishProduct(state, { productId }),
        context,
      ),
    );
    return (await this.products.product(productId))!;
  }
}
