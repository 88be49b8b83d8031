import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { runCatalogCommand } from '../../shared/run-catalog-command';
import { changeSkuCost } from '../domain/product.decisions';
import { executeOnProduct } from '../execute-on-product';
import { ProductCache } from '../read-model/product-cache';
import { ProductQueries } from '../read-model/product.queries';
import { SkuDetailView } from '../read-model/product.views';
import { ChangeSkuCostDto } from './change-sku-cost.dto';

@Injectable()
export class ChangeSkuCostHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

  async execute(code: string, dto: ChangeSkuCostDto, context: EventContext): Promise<SkuDetailView> {
    const productId = await this.products.productIdOfSku(code);
    await runCatalogCommand(this.runtime.commands, (session) =>
      executeOnProduct(
        session,
        this.cache,
        productId,
        (state) => changeSkuCost(state, { productId, code, cost: dto.cost }),
        context,
      ),
    );
    return (await this.products.sku(code))!;
  }
}
