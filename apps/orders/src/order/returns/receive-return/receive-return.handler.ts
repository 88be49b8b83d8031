import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { OrderAggregate } from '../../domain/order.aggregate';
import { receiveReturn } from '../../domain/order.decisions';
import { OrdersQuery } from '../../read-model/orders.query';

/** APPROVED -> RECEIVED: the goods arrived, and ReturnReceived makes inventory put the units back on hand. */
@Injectable()
export class ReceiveReturnHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly query: OrdersQuery,
  ) {}

  async execute(returnId: string, context: EventContext): Promise<void> {
    const orderId = await this.query.orderOfReturn(returnId);
    await this.runtime.commands.execute(
      OrderAggregate,
      orderId,
      (state) => receiveReturn(state, { kind: 'receiveReturn', returnId }),
      context,
    );
  }
}
