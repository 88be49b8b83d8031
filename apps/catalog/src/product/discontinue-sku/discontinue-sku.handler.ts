import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { runCatalogCommand } from '../../shared/run-catalog-command';
import { discontinueSku } from '../domain/product.decisions';
import { executeOnProduct } from '../execute-on-product';
import { ProductCache } from '../read-model/product-cache';
import { ProductQueries } from '../read-model/product.queries';
import { SkuDetailView } from '../read-model/product.views';

@Injectable()
export class DiscontinueSkuHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

  async execute(code: string, context: EventContext): Promise<SkuDetailView> {
    const productId = await this.products.productIdOfSku(code);
    await runCatalogCommand(this.runtime.commands, (session) =>
      executeOnProduct(
        session,
        this.cache,
        productId,
        (state) => discontinueSku(state, { productId, code }),
        context,
      ),
    );
    return (await this.products.sku(code))!;
  }
}
