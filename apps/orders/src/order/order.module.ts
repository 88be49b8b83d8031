import { EventSourcingRuntime, REDIS } from '@ecom/platform';
import { Module, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { ORDERS_SETTINGS, OrdersSettings } from '../config/orders.environment';
import { PricingModule } from '../pricing/pricing.module';
import { OrdersGrpcController } from './grpc/orders.grpc.controller';
import { OrderLifecycleController } from './lifecycle/order-lifecycle.controller';
import { OrderLifecycleHandler } from './lifecycle/order-lifecycle.handler';
import { PayOrderController } from './payment/pay-order.controller';
import { PayOrderHandler } from './payment/pay-order.handler';
import { PAYMENT_GATEWAY } from './payment/payment-gateway.port';
import { SimulatedPaymentGateway } from './payment/simulated-payment-gateway';
import { IdempotencyStore } from './place-order/idempotency';
import { PlaceOrderController } from './place-order/place-order.controller';
import { PlaceOrderHandler } from './place-order/place-order.handler';
import { OrderSummaryProjection } from './read-model/order-summary.projection';
import { OrdersQuery } from './read-model/orders.query';
import { OrdersQueryController } from './read-model/orders-query.controller';
import { ReturnsController } from './returns/returns.controller';
import { ReturnsHandler } from './returns/returns.handler';
import { OnStockReservation } from './saga/on-stock-reservation';
import { OrderTimeoutScheduler } from './scheduler/order-timeouts.scheduler';
import { ORDER_WATCHERS_PROVIDER } from './watch-order/order-watchers';
import { WatchOrderHandler } from './watch-order/watch-order.handler';

@Module({
  imports: [PricingModule],
  controllers: [
    PlaceOrderController,
    OrdersQueryController,
    PayOrderController,
    OrderLifecycleController,
    ReturnsController,
    OrdersGrpcController,
  ],
  providers: [
    {
      provide: PAYMENT_GATEWAY,
      inject: [REDIS, ORDERS_SETTINGS],
      useFactory: (redis: Redis, settings: OrdersSettings) =>
        new SimulatedPaymentGateway(redis, { failureRate: settings.paymentFailureRate }),
    },
    IdempotencyStore,
    OrdersQuery,
    PlaceOrderHandler,
    PayOrderHandler,
    OrderLifecycleHandler,
    ReturnsHandler,
    OnStockReservation,
    OrderTimeoutScheduler,
    ORDER_WATCHERS_PROVIDER,
    WatchOrderHandler,
  ],
})
export class OrderModule implements OnModuleInit {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  onModuleInit(): void {
    this.runtime.store.addInlineProjection(new OrderSummaryProjection());
  }
}
