import type { EventContext } from '@ecom/contracts';
import { Injectable } from '@nestjs/common';
import { WarehouseDirectory } from '../../warehouse/read-model/warehouse-directory';
import { adjustStock } from '../domain/stock-item.decisions';
import { StockItemCommands } from '../stock-item.commands';
import { StockView, toStockView } from '../stock.view';
import type { AdjustStockDto } from './adjust-stock.dto';

@Injectable()
export class AdjustStockHandler {
  constructor(
    private readonly commands: StockItemCommands,
    private readonly warehouses: WarehouseDirectory,
  ) {}

  async execute(dto: AdjustStockDto, context: EventContext): Promise<StockView> {
    await this.warehouses.require(dto.warehouse);
    const state = await this.commands.execute(dto.sku, (s) => adjustStock(s, dto), context);
    return toStockView(dto.sku, state);
  }
}
