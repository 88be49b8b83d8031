import { EventSourcingRuntime, REDIS } from '@ecom/platform';
import { Module, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { ORDERS_SETTINGS, OrdersSettings } from '../config/orders.settings';
import { PricingModule } from '../pricing/pricing.module';
import { OrdersGrpcController } from './grpc/orders.grpc.controller';
import { ImportBodyRegistration } from './import-orders/import-body.registration';
import { ImportOrdersController } from './import-orders/import-orders.controller';
import { ImportOrdersHandler } from './import-orders/import-orders.handler';
import { CancelOrderController } from './lifecycle/cancel-order/cancel-order.controller';
import { CancelOrderHandler } from './lifecycle/cancel-order/cancel-order.handler';
import { ConfirmReceiptController } from './lifecycle/confirm-receipt/confirm-receipt.controller';
import { ConfirmReceiptHandler } from './lifecycle/confirm-receipt/confirm-receipt.handler';
import { DeliverOrderController } from './lifecycle/deliver-order/deliver-order.controller';
import { DeliverOrderHandler } from './lifecycle/deliver-order/deliver-order.handler';
import { ShipOrderController } from './lifecycle/ship-order/ship-order.controller';
import { ShipOrderHandler } from './lifecycle/ship-order/ship-order.handler';
import { PayOrderController } from './payment/pay-order/pay-order.controller';
import { PayOrderHandler } from './payment/pay-order/pay-order.handler';
import { PAYMENT_GATEWAY } from './payment/payment-gateway.port';
import { SimulatedPaymentGateway } from './payment/simulated-payment-gateway';
import { CheckoutLimits } from './place-order/checkout-limits';
import { IdempotencyStore } from './place-order/idempotency';
import { PlaceOrderController } from './place-order/place-order.controller';
import { PlaceOrderHandler } from './place-order/place-order.handler';
import { OrderSummaryProjection } from './read-model/order-summary.projection';
import { OrdersQuery } from './read-model/orders.query';
import { OrdersQueryController } from './read-model/orders-query.controller';
import { ReturnsQueryController } from './read-model/returns-query.controller';
import { ApproveReturnController } from './returns/approve-return/approve-return.controller';
import { ApproveReturnHandler } from './returns/approve-return/approve-return.handler';
import { ReceiveReturnController } from './returns/receive-return/receive-return.controller';
import { ReceiveReturnHandler } from './returns/receive-return/receive-return.handler';
import { RefundReturnController } from './returns/refund-return/refund-return.controller';
import { RefundReturnHandler } from './returns/refund-return/refund-return.handler';
import { RejectReturnController } from './returns/reject-return/reject-return.controller';
import { RejectReturnHandler } from './returns/reject-return/reject-return.handler';
import { RequestReturnController } from './returns/request-return/request-return.controller';
import { RequestReturnHandler } from './returns/request-return/request-return.handler';
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
    CancelOrderController,
    ShipOrderController,
    DeliverOrderController,
    ConfirmReceiptController,
    RequestReturnController,
    ReturnsQueryController,
    ApproveReturnController,
    RejectReturnController,
    ReceiveReturnController,
    RefundReturnController,
    ImportOrdersController,
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
    CheckoutLimits,
    OrdersQuery,
    PlaceOrderHandler,
    PayOrderHandler,
    CancelOrderHandler,
    ShipOrderHandler,
    DeliverOrderHandler,
    ConfirmReceiptHandler,
    RequestReturnHandler,
    ApproveReturnHandler,
    RejectReturnHandler,
    ReceiveReturnHandler,
    RefundReturnHandler,
    OnStockReservation,
    OrderTimeoutScheduler,
    ORDER_WATCHERS_PROVIDER,
    WatchOrderHandler,
    ImportOrdersHandler,
    ImportBodyRegistration,
  ],
})
export class OrderModule implements OnModuleInit {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  onModuleInit(): void {
    this.runtime.addInlineProjection(new OrderSummaryProjection());
  }
}
