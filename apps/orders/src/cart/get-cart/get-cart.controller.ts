import { AuthenticatedMember, CurrentMember, OptionalAuth } from '@ecom/auth';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CartView } from '../cart.view';
import { CartQuery } from './cart.query';

@ApiTags('carts')
@OptionalAuth()
@Controller('carts')
export class GetCartController {
  constructor(private readonly query: CartQuery) {}

  @Get(':id')
  @ApiOkResponse({ type: CartView })
  get(@CurrentMember() member: AuthenticatedMember | undefined, @Param('id') id: string): Promise<CartView> {
    return this.query.get(member, id);
  }
}
