import { PlatformModule, SERVICES } from '@ecom/platform';
import { Module } from '@nestjs/common';
import { InventoryEnvironment, InventorySettingsModule } from './config/inventory.settings';
import { INVENTORY_MIGRATIONS } from './database/migrations/1764000000000-create-inventory-read-models';
import { ReservationModule } from './reservation/reservation.module';
import { StockModule } from './stock/stock.module';
import { WarehouseModule } from './warehouse/warehouse.module';

@Module({
  imports: [
    PlatformModule.forService(SERVICES.inventory, {
      migrations: INVENTORY_MIGRATIONS,
      environment: InventoryEnvironment,
    }),
    InventorySettingsModule,
    WarehouseModule,
    StockModule,
    ReservationModule,
  ],
})
export class AppModule {}
