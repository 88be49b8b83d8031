import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { OrderAggregate } from '../../domain/order.aggregate';
import { confirmReceipt } from '../../domain/order.decisions';
import { assertOrderOwner } from '../../order-access';

/** DELIVERED -> COMPLETED, by the customer who placed the order. */
@Injectable()
export class ConfirmReceiptHandler {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  async execute(member: AuthenticatedMember, orderId: string, context: EventContext): Promise<void> {
    await this.runtime.commands.execute(
      OrderAggregate,
      orderId,
      (state) => {
        assertOrderOwner(member, state.memberId, 'confirms its receipt');
        return confirmReceipt(state, { kind: 'confirmReceipt' });
      },
      context,
    );
  }
}
