import { AuthenticatedMember, CurrentMember, Public } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AddCartItemDto, CartView, CreateCartDto } from './cart.dto';
import { CartHandler } from './cart.handler';

@ApiTags('carts')
@ApiBearerAuth()
@Public()
@Controller('carts')
export class CartController {
  constructor(private readonly handler: CartHandler) {}

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
    return this.handler.create(member, dto, context);
  }

  @Post(':id/items')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add units of a SKU (422 when the SKU is unknown or not listed)' })
  add(
    @CurrentMember() member: AuthenticatedMember | undefined,
    @Param('id') id: string,
    @Body() dto: AddCartItemDto,
    @RequestEventContext() context: EventContext,
  ): Promise<CartView> {
    return this.handler.addItem(member, id, dto, context);
  }

  @Delete(':id/items/:sku')
  @ApiOperation({ summary: 'Remove a SKU from the cart' })
  @ApiOkResponse({ type: CartView })
  remove(
    @CurrentMember() member: AuthenticatedMember | undefined,
    @Param('id') id: string,
    @Param('sku') sku: string,
    @RequestEventContext() context: EventContext,
  ): Promise<CartView> {
    return this.handler.removeItem(member, id, sku, context);
  }

  @Get(':id')
  @ApiOkResponse({ type: CartView })
  get(@CurrentMember() member: AuthenticatedMember | undefined, @Param('id') id: string): Promise<CartView> {
    return this.handler.get(member, id);
  }
}
