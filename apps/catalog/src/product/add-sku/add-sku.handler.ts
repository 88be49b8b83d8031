import type { EventContext } from '@ecom/contracts';
import { ConflictError } from '@ecom/event-sourcing';
import { Injectable } from '@nestjs/common';
import { addSku } from '../domain/product.decisions';
import { CreateSkuDto } from '../create-product/create-product.dto';
import { ProductCommands } from '../product-commands';
import { ProductQueries } from '../read-model/product.queries';
import { SkuDetailView } from '../read-model/product.views';

@Injectable()
export class AddSkuHandler {
  constructor(
    private readonly commands: ProductCommands,
    private readonly products: ProductQueries,
  ) {}

  async execute(productId: string, dto: CreateSkuDto, context: EventContext): Promise<SkuDetailView> {
    await this.commands.run(
      productId,
      async (state, tx) => {
        const [taken] = await this.products.takenSkuCodes(tx, [dto.code]);
        if (taken && taken.productId !== productId) {
          throw new ConflictError(
            `SKU code ${dto.code} is already used by another product`,
            'SKU_CODE_TAKEN',
            { sku: dto.code },
          );
        }
        return addSku(state, productId, dto);
      },
      context,
    );
    return (await this.products.sku(dto.code))!;
  }
}
