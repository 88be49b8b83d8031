import { AuthenticatedMember, CurrentMember, Public } from '@ecom/auth';
import { NotFoundError } from '@ecom/event-sourcing';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProductQueries } from './read-model/product.queries';
import { SkuDetailView } from './read-model/product.views';
import { skuFor } from './read-model/visibility';

/** The public read of a SKU; each SKU command has its controller in its use-case folder. */
@ApiTags('skus')
@Controller('skus')
export class SkuController {
  constructor(private readonly products: ProductQueries) {}

  @Get(':code')
  @Public()
  @ApiOperation({
    summary: 'One SKU: {code, productId, price, currency, attributes, status}',
    description:
      'cost is shown to operators only; SKUs of unlisted products are 404 for anonymous callers and customers.',
  })
  @ApiOkResponse({ type: SkuDetailView })
  @ApiNotFoundResponse({ description: 'no such SKU, or not visible to the caller' })
  async get(
    @Param('code') code: string,
    @CurrentMember() member?: AuthenticatedMember,
  ): Promise<SkuDetailView> {
    const sku = skuFor(member, await this.products.sku(code));
    if (!sku) throw new NotFoundError(`SKU ${code} not found`, 'SKU_NOT_FOUND');
    return sku;
  }
}
