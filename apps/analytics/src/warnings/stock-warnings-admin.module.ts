import { Module } from '@nestjs/common';
import { ClearStockWarningHandler } from './clear-stock-warning.handler';
import { StockWarningsAdminController } from './stock-warnings-admin.controller';

/** Back-office actions on stock warnings (the projector raises and clears them on its own). */
@Module({
  controllers: [StockWarningsAdminController],
  providers: [ClearStockWarningHandler],
})
export class StockWarningsAdminModule {}
