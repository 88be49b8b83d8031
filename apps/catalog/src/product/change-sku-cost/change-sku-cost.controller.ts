import { RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Param, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SkuDetailView } from '../read-model/product.views';
import { ChangeSkuCostDto } from './change-sku-cost.dto';
import { ChangeSkuCostHandler } from './change-sku-cost.handler';

@ApiTags('skus')
@Controller('skus')
export class ChangeSkuCostController {
  constructor(private readonly handler: ChangeSkuCostHandler) {}

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
    return this.handler.execute(code, dto, context);
  }
}
