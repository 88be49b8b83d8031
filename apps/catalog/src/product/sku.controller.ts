import { AuthenticatedMember, CurrentMember, Public, RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { NotFoundError } from '@ecom/event-sourcing';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ChangeSkuCostDto } from './change-sku-cost/change-sku-cost.dto';
import { ChangeSkuCostHandler } from './change-sku-cost/change-sku-cost.handler';
import { ChangeSkuPriceDto } from './change-sku-price/change-sku-price.dto';
import { ChangeSkuPriceHandler } from './change-sku-price/change-sku-price.handler';
import { DiscontinueSkuHandler } from './discontinue-sku/discontinue-sku.handler';
import { ProductQueries } from './read-model/product.queries';
import { SkuDetailView } from './read-model/product.views';
import { skuFor } from './read-model/visibility';

@ApiTags('skus')
@Controller('skus')
export class SkuController {
  constructor(
    private readonly priceHandler: ChangeSkuPriceHandler,
    private readonly costHandler: ChangeSkuCostHandler,
    private readonly discontinueHandler: DiscontinueSkuHandler,
    private readonly products: ProductQueries,
  ) {}

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

  @Put(':code/price')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Change the selling price of a SKU (operator)',
    description: 'Emits SkuPriceChanged with the previous price.',
  })
  @ApiOkResponse({ type: SkuDetailView })
  @ApiBadRequestResponse({ description: 'price is not a positive integer in minor units' })
  @ApiNotFoundResponse({ description: 'no such SKU' })
  @ApiConflictResponse({ description: 'the SKU is discontinued' })
  changePrice(
    @Param('code') code: string,
    @Body() dto: ChangeSkuPriceDto,
    @RequestEventContext() context: EventContext,
  ): Promise<SkuDetailView> {
    return this.priceHandler.execute(code, dto, context);
  }

  @Put(':code/cost')
  @RequireRole('operator')
  @ApiOperation({ summary: 'Change (or clear with null) the unit cost of a SKU (operator)' })
  @ApiOkResponse({ type: SkuDetailView })
  @ApiBadRequestResponse({ description: 'cost is not an integer >= 0' })
  @ApiNotFoundResponse({ description: 'no such SKU' })
  changeCost(
    @Param('code') code: string,
    @Body() dto: ChangeSkuCostDto,
    @RequestEventContext() context: EventContext,
  ): Promise<SkuDetailView> {
    return this.costHandler.execute(code, dto, context);
  }

  @Post(':code/discontinue')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Stop selling a SKU for good (operator)' })
  @ApiOkResponse({ type: SkuDetailView })
  @ApiNotFoundResponse({ description: 'no such SKU' })
  @ApiConflictResponse({ description: 'already discontinued' })
  @ApiUnprocessableEntityResponse({ description: 'the last active SKU of a listed product' })
  discontinue(
    @Param('code') code: string,
    @RequestEventContext() context: EventContext,
  ): Promise<SkuDetailView> {
    return this.discontinueHandler.execute(code, context);
  }
}
