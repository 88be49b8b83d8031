import { RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Param, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SkuDetailView } from '../read-model/product.views';
import { ChangeSkuPriceDto } from './change-sku-price.dto';
import { ChangeSkuPriceHandler } from './change-sku-price.handler';

@ApiTags('skus')
@Controller('skus')
export class ChangeSkuPriceController {
  constructor(private readonly handler: ChangeSkuPriceHandler) {}

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
    return this.handler.execute(code, dto, context);
  }
}
