import { Global, Module } from '@nestjs/common';
import { ORDERS_SETTINGS, readOrdersSettings } from './orders.environment';

/** The orders settings (timeouts, payment simulator), read when the application is created. */
@Global()
@Module({
  providers: [{ provide: ORDERS_SETTINGS, useFactory: () => readOrdersSettings() }],
  exports: [ORDERS_SETTINGS],
})
export class OrdersConfigModule {}
