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
} from '@nestjs/swagger';
import { ProductView } from '../read-model/product.views';
import { UnpublishProductHandler } from './unpublish-product.handler';

@ApiTags('products')
@Controller('products')
export class UnpublishProductController {
  constructor(private readonly handler: UnpublishProductHandler) {}

  @Post(':id/unpublish')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Delist the product: LISTED -> DELISTED (operator)' })
  @ApiOkResponse({ type: ProductView })
  @ApiNotFoundResponse({ description: 'product not found' })
  @ApiConflictResponse({ description: 'not LISTED' })
  unpublish(@Param('id') id: string, @RequestEventContext() context: EventContext): Promise<ProductView> {
    return this.handler.execute(id, context);
  }
}
