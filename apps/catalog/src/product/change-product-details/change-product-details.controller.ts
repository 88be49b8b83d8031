import { RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Param, Patch } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ProductView } from '../read-model/product.views';
import { ChangeProductDetailsDto } from './change-product-details.dto';
import { ChangeProductDetailsHandler } from './change-product-details.handler';

@ApiTags('products')
@Controller('products')
export class ChangeProductDetailsController {
  constructor(private readonly handler: ChangeProductDetailsHandler) {}

  @Patch(':id')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Change title, description, category or attributes (operator)',
    description: 'Only the fields sent change.',
  })
  @ApiOkResponse({ type: ProductView })
  @ApiBadRequestResponse({ description: 'validation failed' })
  @ApiNotFoundResponse({ description: 'product or category not found' })
  @ApiUnprocessableEntityResponse({ description: 'a listed product can only move to a leaf category' })
  change(
    @Param('id') id: string,
    @Body() dto: ChangeProductDetailsDto,
    @RequestEventContext() context: EventContext,
  ): Promise<ProductView> {
    return this.handler.execute(id, dto, context);
  }
}
