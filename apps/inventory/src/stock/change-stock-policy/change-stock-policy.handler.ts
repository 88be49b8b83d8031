import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { KnownSkus } from '../../catalog-skus/known-skus';
import { StockItemAggregate } from '../domain/stock-item.aggregate';
import { changeStockPolicy } from '../domain/stock-item.decisions';
import { AvailabilityCache } from '../read-model/availability-cache';
import { StockView, toStockView } from '../stock.view';
import type { ChangeStockPolicyDto } from './change-stock-policy.dto';

@Injectable()
export class ChangeStockPolicyHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly availability: AvailabilityCache,
    private readonly knownSkus: KnownSkus,
  ) {}

  async execute(sku: string, dto: ChangeStockPolicyDto, context: EventContext): Promise<StockView> {
    // A policy creates the stock item: only for a SKU the catalog created (404 otherwise).
    await this.knownSkus.require(sku);
    // Locked: the command queues behind a saga batch holding the SKU instead of losing the race to it.
    const { state, events } = await this.runtime.commands.execute(
      StockItemAggregate,
      sku,
      (current) =>
        changeStockPolicy(current, {
          sku,
          safetyStock: dto.safetyStock,
          leadTimeDays: dto.leadTimeDays ?? null,
        }),
      context,
      { lock: true },
    );
    if (events.length > 0) await this.availability.refreshAfterCommit([sku]);
    return toStockView(sku, state);
  }
}
