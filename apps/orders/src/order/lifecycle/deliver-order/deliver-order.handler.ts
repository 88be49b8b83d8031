import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { OrderAggregate } from '../../domain/order.aggregate';
import { deliver } from '../../domain/order.decisions';

/** SHIPPED -> DELIVERED (an operator's command); the return window opens. */
@Injectable()
export class DeliverOrderHandler {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  async execute(orderId: string, context: EventContext): Promise<void> {
    await this.runtime.commands.execute(
      OrderAggregate,
      orderId,
      (state) => deliver(state, { kind: 'deliver' }),
      context,
    );
  }
}
