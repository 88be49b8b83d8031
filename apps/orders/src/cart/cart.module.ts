import { Module } from '@nestjs/common';
import { PricingModule } from '../pricing/pricing.module';
import { AddCartItemController } from './add-cart-item/add-cart-item.controller';
import { AddCartItemHandler } from './add-cart-item/add-cart-item.handler';
import { CartViews } from './cart.view';
import { CreateCartController } from './create-cart/create-cart.controller';
import { CreateCartHandler } from './create-cart/create-cart.handler';
import { CartQuery } from './get-cart/cart.query';
import { GetCartController } from './get-cart/get-cart.controller';
import { RemoveCartItemController } from './remove-cart-item/remove-cart-item.controller';
import { RemoveCartItemHandler } from './remove-cart-item/remove-cart-item.handler';

@Module({
  imports: [PricingModule],
  controllers: [CreateCartController, AddCartItemController, RemoveCartItemController, GetCartController],
  providers: [CartViews, CreateCartHandler, AddCartItemHandler, RemoveCartItemHandler, CartQuery],
})
export class CartModule {}
