import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { OrderAggregate } from '../../domain/order.aggregate';
import { refundReturn } from '../../domain/order.decisions';
import { PAYMENT_GATEWAY, PaymentGateway, refundIssuedIn } from '../../payment/payment-gateway.port';
import { OrdersQuery } from '../../read-model/orders.query';
import { returnRefundId } from '../../domain/refund-ids';

/** RECEIVED -> REFUNDED: gives the return's value back through the gateway (RefundIssued, cause RETURN). */
@Injectable()
export class RefundReturnHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly query: OrdersQuery,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  async execute(returnId: string, context: EventContext): Promise<void> {
    const orderId = await this.query.orderOfReturn(returnId);
    const refundId = returnRefundId(returnId);
    await this.runtime.commands.execute(
      OrderAggregate,
      orderId,
      async (state) => {
        const events = refundReturn(state, { kind: 'refundReturn', returnId, refundId });
        await refundIssuedIn(this.gateway, state, events);
        return events;
      },
      context,
      // Locked while the refund is made: the money goes back once, recorded with its RefundIssued.
      { lock: true },
    );
  }
}
