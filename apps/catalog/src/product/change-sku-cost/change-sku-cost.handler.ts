import type { EventContext } from '@ecom/contracts';
import { Injectable } from '@nestjs/common';
import { changeSkuCost } from '../domain/product.decisions';
import { ProductCommands } from '../product-commands';
import { SkuDetailView } from '../read-model/product.views';

@Injectable()
export class ChangeSkuCostHandler {
  constructor(private readonly commands: ProductCommands) {}

  execute(code: string, cost: number | null, context: EventContext): Promise<SkuDetailView> {
    return this.commands.runOnSku(
      code,
      (state, productId) => changeSkuCost(state, productId, code, cost),
      context,
    );
  }
}
