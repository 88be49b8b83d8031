import { AuthenticatedMember, CurrentMember, OptionalAuth } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Controller, Delete, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CartView } from '../cart.view';
import { RemoveCartItemHandler } from './remove-cart-item.handler';

@ApiTags('carts')
@OptionalAuth()
@Controller('carts')
export class RemoveCartItemController {
  constructor(private readonly handler: RemoveCartItemHandler) {}

  @Delete(':id/items/:sku')
  @ApiOperation({ summary: 'Remove a SKU from the cart' })
  @ApiOkResponse({ type: CartView })
  remove(
    @CurrentMember() member: AuthenticatedMember | undefined,
    @Param('id') id: string,
    @Param('sku') sku: string,
    @RequestEventContext() context: EventContext,
  ): Promise<CartView> {
    return this.handler.execute(member, id, sku, context);
  }
}
