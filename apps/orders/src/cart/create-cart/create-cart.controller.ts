import { AuthenticatedMember, CurrentMember, OptionalAuth } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CartView } from '../cart.view';
import { CreateCartDto } from './create-cart.dto';
import { CreateCartHandler } from './create-cart.handler';

@ApiTags('carts')
@OptionalAuth()
@Controller('carts')
export class CreateCartController {
  constructor(private readonly handler: CreateCartHandler) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: "Create a cart: a member's (with a token) or an anonymous visitor's (visitorId required)",
  })
  create(
    @CurrentMember() member: AuthenticatedMember | undefined,
    @Body() dto: CreateCartDto,
    @RequestEventContext() context: EventContext,
  ): Promise<CartView> {
    return this.handler.execute(member, dto, context);
  }
}
