import { Module } from '@nestjs/common';
import { PricingModule } from '../pricing/pricing.module';
import { CartController } from './cart.controller';
import { CartHandler } from './cart.handler';

@Module({ imports: [PricingModule], controllers: [CartController], providers: [CartHandler] })
export class CartModule {}
