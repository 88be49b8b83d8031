import { EventSourcingRuntime } from '@ecom/platform';
import { Module, OnModuleInit } from '@nestjs/common';
import { SharedModule } from '../shared/shared.module';
import { WarehouseModule } from '../warehouse/warehouse.module';
import { AdjustStockHandler } from './adjust-stock/adjust-stock.handler';
import { ChangeStockPolicyHandler } from './change-stock-policy/change-stock-policy.handler';
import { InventoryGrpcController } from './grpc/inventory.grpc.controller';
import { AvailabilityCache } from './read-model/availability-cache';
import { StockLevelsProjection } from './read-model/stock-levels.projection';
import { ReceiveStockHandler } from './receive-stock/receive-stock.handler';
import { StockItemCommands } from './stock-item.commands';
import { StockController } from './stock.controller';
import { TransferStockHandler } from './transfer-stock/transfer-stock.handler';

@Module({
  imports: [SharedModule, WarehouseModule],
  controllers: [StockController, InventoryGrpcController],
  providers: [
    StockItemCommands,
    AvailabilityCache,
    ReceiveStockHandler,
    AdjustStockHandler,
    TransferStockHandler,
    ChangeStockPolicyHandler,
  ],
  exports: [StockItemCommands, AvailabilityCache],
})
export class StockModule implements OnModuleInit {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly availability: AvailabilityCache,
  ) {}

  onModuleInit(): void {
    this.runtime.store.addInlineProjection(new StockLevelsProjection(this.availability));
  }
}
