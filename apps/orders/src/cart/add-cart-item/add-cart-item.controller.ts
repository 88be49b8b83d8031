import { AuthenticatedMember, CurrentMember, OptionalAuth } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CartView } from '../cart.view';
import { AddCartItemDto } from './add-cart-item.dto';
import { AddCartItemHandler } from './add-cart-item.handler';

@ApiTags('carts')
@OptionalAuth()
@Controller('carts')
export class AddCartItemController {
  constructor(private readonly handler: AddCartItemHandler) {}

  @Post(':id/items')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add units of a SKU (422 when the SKU is unknown or not listed)' })
  add(
    @CurrentMember() member: AuthenticatedMember | undefined,
    @Param('id') id: string,
    @Body() dto: AddCartItemDto,
    @RequestEventContext() context: EventContext,
  ): Promise<CartView> {
    return this.handler.execute(member, id, dto, context);
  }
}
