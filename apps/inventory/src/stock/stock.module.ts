import { EventSourcingRuntime } from '@ecom/platform';
import { Module, OnModuleInit } from '@nestjs/common';
import { CatalogSkusModule } from '../catalog-skus/catalog-skus.module';
import { WarehouseModule } from '../warehouse/warehouse.module';
import { AdjustStockHandler } from './adjust-stock/adjust-stock.handler';
import { ChangeStockPolicyHandler } from './change-stock-policy/change-stock-policy.handler';
import { InventoryGrpcController } from './grpc/inventory.grpc.controller';
import { AvailabilityCache } from './read-model/availability-cache';
import { StockLevelsProjection } from './read-model/stock-levels.projection';
import { ReceiveStockHandler } from './receive-stock/receive-stock.handler';
import { StockController } from './stock.controller';
import { TransferStockHandler } from './transfer-stock/transfer-stock.handler';

@Module({
  imports: [WarehouseModule, CatalogSkusModule],
  controllers: [StockController, InventoryGrpcController],
  providers: [
    AvailabilityCache,
    ReceiveStockHandler,
    AdjustStockHandler,
    TransferStockHandler,
    ChangeStockPolicyHandler,
  ],
  exports: [AvailabilityCache],
})
export class StockModule implements OnModuleInit {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  onModuleInit(): void {
    this.runtime.addInlineProjection(new StockLevelsProjection());
  }
}
