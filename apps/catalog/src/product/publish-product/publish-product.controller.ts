import { RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ProductView } from '../read-model/product.views';
import { PublishProductHandler } from './publish-product.handler';

@ApiTags('products')
@Controller('products')
export class PublishProductController {
  constructor(private readonly handler: PublishProductHandler) {}

  @Post(':id/publish')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({
    summary: 'List the product: DRAFT or DELISTED -> LISTED (operator)',
    description: 'Needs at least one active SKU with a price, and a leaf category.',
  })
  @ApiOkResponse({ type: ProductView })
  @ApiUnauthorizedResponse({ description: 'no or invalid token' })
  @ApiForbiddenResponse({ description: 'not an operator' })
  @ApiNotFoundResponse({ description: 'product not found' })
  @ApiConflictResponse({ description: 'already LISTED' })
  @ApiUnprocessableEntityResponse({ description: 'no active priced SKU, or the category has subcategories' })
  publish(@Param('id') id: string, @RequestEventContext() context: EventContext): Promise<ProductView> {
    return this.handler.execute(id, context);
  }
}
