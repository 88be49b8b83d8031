import { RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CreateSkuDto } from '../create-product/create-product.dto';
import { SkuDetailView } from '../read-model/product.views';
import { AddSkuHandler } from './add-sku.handler';

@ApiTags('products')
@Controller('products')
export class AddSkuController {
  constructor(private readonly handler: AddSkuHandler) {}

  @Post(':id/skus')
  @HttpCode(201)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Add a SKU to a product (operator)' })
  @ApiCreatedResponse({ type: SkuDetailView })
  @ApiBadRequestResponse({ description: 'validation failed' })
  @ApiNotFoundResponse({ description: 'product not found' })
  @ApiConflictResponse({ description: 'the SKU code is already used' })
  addSku(
    @Param('id') id: string,
    @Body() dto: CreateSkuDto,
    @RequestEventContext() context: EventContext,
  ): Promise<SkuDetailView> {
    return this.handler.execute(id, dto, context);
  }
}
