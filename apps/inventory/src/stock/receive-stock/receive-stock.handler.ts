import type { EventContext } from '@ecom/contracts';
import { Injectable } from '@nestjs/common';
import { WarehouseDirectory } from '../../warehouse/read-model/warehouse-directory';
import { receiveStock } from '../domain/stock-item.decisions';
import { StockItemCommands } from '../stock-item.commands';
import { StockView, toStockView } from '../stock.view';
import type { ReceiveStockDto } from './receive-stock.dto';

@Injectable()
export class ReceiveStockHandler {
  constructor(
    private readonly commands: StockItemCommands,
    private readonly warehouses: WarehouseDirectory,
  ) {}

  async execute(dto: ReceiveStockDto, context: EventContext): Promise<StockView> {
    await this.warehouses.require(dto.warehouse);
    const state = await this.commands.execute(dto.sku, (s) => receiveStock(s, dto), context);
    return toStockView(dto.sku, state);
  }
}
