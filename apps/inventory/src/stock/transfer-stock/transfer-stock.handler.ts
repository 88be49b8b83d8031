import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { KnownSkus } from '../../catalog-skus/known-skus';
import { WarehouseDirectory } from '../../warehouse/read-model/warehouse-directory';
import { StockItemAggregate } from '../domain/stock-item.aggregate';
import { transferStock } from '../domain/stock-item.decisions';
import { AvailabilityCache } from '../read-model/availability-cache';
import { StockView, toStockView } from '../stock.view';
import type { TransferStockDto } from './transfer-stock.dto';

@Injectable()
export class TransferStockHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly warehouses: WarehouseDirectory,
    private readonly availability: AvailabilityCache,
    private readonly knownSkus: KnownSkus,
  ) {}

  async execute(dto: TransferStockDto, context: EventContext): Promise<StockView> {
    // Stock only for a SKU the catalog created (404 otherwise), before anything is appended.
    await this.knownSkus.require(dto.sku);
    await this.warehouses.require(dto.from);
    await this.warehouses.require(dto.to);
    // Locked: the command queues behind a saga batch holding the SKU instead of losing the race to it.
    const { state, events } = await this.runtime.commands.execute(
      StockItemAggregate,
      dto.sku,
      (current) => transferStock(current, dto),
      context,
      { lock: true },
    );
    if (events.length > 0) await this.availability.refreshAfterCommit([dto.sku]);
    return toStockView(dto.sku, state);
  }
}
