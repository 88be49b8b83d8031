import { EventSourcingRuntime } from '@ecom/platform';
import { Module, OnModuleInit } from '@nestjs/common';
import { CreateWarehouseHandler } from './create-warehouse/create-warehouse.handler';
import { WarehouseDirectory } from './read-model/warehouse-directory';
import { WarehousesProjection } from './read-model/warehouses.projection';
import { WarehouseController } from './warehouse.controller';

@Module({
  controllers: [WarehouseController],
  providers: [CreateWarehouseHandler, WarehouseDirectory],
  exports: [WarehouseDirectory],
})
export class WarehouseModule implements OnModuleInit {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  onModuleInit(): void {
    this.runtime.addInlineProjection(new WarehousesProjection());
  }
}
