import type { EventContext } from '@ecom/contracts';
import { ConflictError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { runCatalogCommand } from '../../shared/run-catalog-command';
import { CreateSkuDto } from '../create-product/create-product.dto';
import { addSku } from '../domain/product.decisions';
import { executeOnProduct } from '../execute-on-product';
import { ProductCache } from '../read-model/product-cache';
import { ProductQueries } from '../read-model/product.queries';
import { SkuDetailView } from '../read-model/product.views';

@Injectable()
export class AddSkuHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

  async execute(productId: string, dto: CreateSkuDto, context: EventContext): Promise<SkuDetailView> {
    await runCatalogCommand(this.runtime.commands, async (session) => {
      const [taken] = await this.products.takenSkuCodes(session.sql, [dto.code]);
      if (taken && taken.productId !== productId) {
        throw new ConflictError(`SKU code ${dto.code} is already used by another product`, 'SKU_CODE_TAKEN', {
          sku: dto.code,
        });
      }
      await executeOnProduct(
        session,
        this.cache,
        productId,
        (state) => addSku(state, { productId, sku: dto }),
        context,
      );
    });
    return (await this.products.sku(dto.code))!;
  }
}
