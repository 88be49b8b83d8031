import { RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ProductView } from '../read-model/product.views';
import { CreateProductDto } from './create-product.dto';
import { CreateProductHandler } from './create-product.handler';

@ApiTags('products')
@Controller('products')
export class CreateProductController {
  constructor(private readonly handler: CreateProductHandler) {}

  @Post()
  @HttpCode(201)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Create a product as DRAFT with its SKUs (operator)' })
  @ApiCreatedResponse({ type: ProductView })
  @ApiBadRequestResponse({
    description: 'validation failed: unknown field, bad price, malformed SKU code, ...',
  })
  @ApiNotFoundResponse({ description: 'category not found' })
  @ApiConflictResponse({ description: 'a SKU code is already used by another product' })
  create(@Body() dto: CreateProductDto, @RequestEventContext() context: EventContext): Promise<ProductView> {
    return this.handler.execute(dto, context);
  }
}
