import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { OrderAggregate } from '../../domain/order.aggregate';
import { approveReturn } from '../../domain/order.decisions';
import { OrdersQuery } from '../../read-model/orders.query';

/** REQUESTED -> APPROVED (an operator's command). */
@Injectable()
export class ApproveReturnHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly query: OrdersQuery,
  ) {}

  async execute(returnId: string, context: EventContext): Promise<void> {
    const orderId = await this.query.orderOfReturn(returnId);
    await this.runtime.commands.execute(
      OrderAggregate,
      orderId,
      (state) => approveReturn(state, { kind: 'approveReturn', returnId }),
      context,
    );
  }
}
