import type { EventContext } from '@ecom/contracts';
import { Injectable } from '@nestjs/common';
import { discontinueSku } from '../domain/product.decisions';
import { ProductCommands } from '../product-commands';
import { SkuDetailView } from '../read-model/product.views';

@Injectable()
export class DiscontinueSkuHandler {
  constructor(private readonly commands: ProductCommands) {}

  execute(code: string, context: EventContext): Promise<SkuDetailView> {
    return this.commands.runOnSku(
      code,
      (state, productId) => discontinueSku(state, productId, code),
      context,
    );
  }
}
