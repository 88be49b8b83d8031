import type { EventContext } from '@ecom/contracts';
import { AggregateRepository, Decide } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StockItemAggregate, StockItemEvent, StockItemState } from './domain/stock-item.aggregate';

/**
 * Runs an operator command on one SKU: lock the SKU's stream row, load (snapshot + tail), decide,
 * append at the loaded version, all in one transaction. The lock queues the command behind a
 * consumer batch that holds the same SKU (a flash sale) instead of letting it lose the optimistic
 * race batch after batch; the expected-version append still guards the stream.
 */
@Injectable()
export class StockItemCommands {
  readonly repository: AggregateRepository<StockItemState, StockItemEvent>;

  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly dataSource: DataSource,
  ) {
    this.repository = runtime.repository(StockItemAggregate);
  }

  async execute(
    sku: string,
    decide: Decide<StockItemState, StockItemEvent>,
    context: EventContext,
  ): Promise<StockItemState> {
    const result = await this.dataSource.transaction(async (tx) => {
      await this.runtime.store.lockStreams(tx, StockItemAggregate.type, [sku]);
      return this.repository.execute(sku, decide, context, { tx });
    });
    return result.state;
  }

  async load(sku: string): Promise<StockItemState> {
    return (await this.repository.load(this.dataSource, sku)).state;
  }
}
