import type { EventContext } from '@ecom/contracts';
import { Injectable } from '@nestjs/common';
import { changeStockPolicy } from '../domain/stock-item.decisions';
import { StockItemCommands } from '../stock-item.commands';
import { StockView, toStockView } from '../stock.view';
import type { ChangeStockPolicyDto } from './change-stock-policy.dto';

@Injectable()
export class ChangeStockPolicyHandler {
  constructor(private readonly commands: StockItemCommands) {}

  async execute(sku: string, dto: ChangeStockPolicyDto, context: EventContext): Promise<StockView> {
    const state = await this.commands.execute(
      sku,
      (s) =>
        changeStockPolicy(s, { sku, safetyStock: dto.safetyStock, leadTimeDays: dto.leadTimeDays ?? null }),
      context,
    );
    return toStockView(sku, state);
  }
}
