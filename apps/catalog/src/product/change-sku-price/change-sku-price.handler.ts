import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { runCatalogCommand } from '../../shared/run-catalog-command';
import { changeSkuPrice } from '../domain/product.decisions';
import { executeOnProduct } from '../execute-on-product';
import { ProductCache } from '../read-model/product-cache';
import { ProductQueries } from '../read-model/product.queries';
import { SkuDetailView } from '../read-model/product.views';
import { ChangeSkuPriceDto } from './change-sku-price.dto';

/**
 * Concurrent price changes of one SKU serialise on the Product stream's version: a loser of the
 * optimistic check runs again on the reloaded stream, so its SkuPriceChanged names the price it replaced.
 */
@Injectable()
export class ChangeSkuPriceHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

  async execute(code: string, dto: ChangeSkuPriceDto, context: EventContext): Promise<SkuDetailView> {
    const productId = await this.products.productIdOfSku(code);
    await runCatalogCommand(this.runtime.commands, (session) =>
      executeOnProduct(
        session,
        this.cache,
        productId,
        (state) => changeSkuPrice(state, { productId, code, price: dto.price }),
        context,
      ),
    );
    return (await this.products.sku(code))!;
  }
}
