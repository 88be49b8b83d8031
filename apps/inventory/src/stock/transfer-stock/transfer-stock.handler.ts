import type { EventContext } from '@ecom/contracts';
import { Injectable } from '@nestjs/common';
import { WarehouseDirectory } from '../../warehouse/read-model/warehouse-directory';
import { transferStock } from '../domain/stock-item.decisions';
import { StockItemCommands } from '../stock-item.commands';
import { StockView, toStockView } from '../stock.view';
import type { TransferStockDto } from './transfer-stock.dto';

@Injectable()
export class TransferStockHandler {
  constructor(
    private readonly commands: StockItemCommands,
    private readonly warehouses: WarehouseDirectory,
  ) {}

  async execute(dto: TransferStockDto, context: EventContext): Promise<StockView> {
    await this.warehouses.require(dto.from);
    await this.warehouses.require(dto.to);
    const state = await this.commands.execute(dto.sku, (s) => transferStock(s, dto), context);
    return toStockView(dto.sku, state);
  }
}
