import { Module } from '@nestjs/common';
import { StockModule } from '../stock/stock.module';
import { WarehouseModule } from '../warehouse/warehouse.module';
import { OrderEventsConsumer } from './on-order-events/order-events.consumer';
import { OrderSagaProcessor } from './on-order-events/order-saga.processor';
import { ReservationController } from './reservation.controller';

@Module({
  imports: [WarehouseModule, StockModule],
  controllers: [ReservationController],
  providers: [OrderSagaProcessor, OrderEventsConsumer],
})
export class ReservationModule {}
