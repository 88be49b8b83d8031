import { PlatformModule, SERVICES } from '@ecom/platform';
import { Module } from '@nestjs/common';
import { CartModule } from './cart/cart.module';
import { OrdersEnvironment, OrdersSettingsModule } from './config/orders.settings';
import { ORDERS_MIGRATIONS } from './database/migrations/1764100000000-create-orders-read-models';
import { OrderModule } from './order/order.module';
import { PricingModule } from './pricing/pricing.module';

@Module({
  imports: [
    PlatformModule.forService(SERVICES.orders, {
      migrations: ORDERS_MIGRATIONS,
      environment: OrdersEnvironment,
    }),
    OrdersSettingsModule,
    PricingModule,
    CartModule,
    OrderModule,
  ],
})
export class AppModule {}
