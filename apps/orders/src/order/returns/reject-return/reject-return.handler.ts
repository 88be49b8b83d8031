import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { OrderAggregate } from '../../domain/order.aggregate';
import { rejectReturn } from '../../domain/order.decisions';
import { OrdersQuery } from '../../read-model/orders.query';
import type { RejectReturnDto } from './reject-return.dto';

/** REQUESTED -> REJECTED with a reason (an operator's command); the units become returnable again. */
@Injectable()
export class RejectReturnHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly query: OrdersQuery,
  ) {}

  async execute(returnId: string, dto: RejectReturnDto, context: EventContext): Promise<void> {
    const orderId = await this.query.orderOfReturn(returnId);
    await this.runtime.commands.execute(
      OrderAggregate,
      orderId,
      (state) => rejectReturn(state, { kind: 'rejectReturn', returnId, reason: dto.reason }),
      context,
    );
  }
}
