import { RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { SkuDetailView } from '../read-model/product.views';
import { DiscontinueSkuHandler } from './discontinue-sku.handler';

@ApiTags('skus')
@Controller('skus')
export class DiscontinueSkuController {
  constructor(private readonly handler: DiscontinueSkuHandler) {}

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
    return this.handler.execute(code, context);
  }
}
