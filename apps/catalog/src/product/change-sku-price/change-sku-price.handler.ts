import type { EventContext } from '@ecom/contracts';
import { Injectable } from '@nestjs/common';
import { changeSkuPrice } from '../domain/product.decisions';
import { ProductCommands } from '../product-commands';
import { SkuDetailView } from '../read-model/product.views';

/**
 * Concurrent price changes of one SKU serialise on the Product stream's version: a loser of the
 * optimistic check reloads and decides again, so its SkuPriceChanged names the price it replaced.
 */
@Injectable()
export class ChangeSkuPriceHandler {
  constructor(private readonly commands: ProductCommands) {}

  execute(code: string, price: number, context: EventContext): Promise<SkuDetailView> {
    return this.commands.runOnSku(
      code,
      (state, productId) => changeSkuPrice(state, productId, code, price),
      context,
    );
  }
}
