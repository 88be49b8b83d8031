import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { OrderAggregate } from '../../domain/order.aggregate';
import { cancel } from '../../domain/order.decisions';
import { actorOf, assertOrderAccess } from '../../order-access';
import { PAYMENT_GATEWAY, PaymentGateway, refundIssuedIn } from '../../payment/payment-gateway.port';
import { CheckoutLimits } from '../../place-order/checkout-limits';
import type { CancelOrderDto } from './cancel-order.dto';
import { cancellationRefundId } from '../../domain/refund-ids';

/**
 * CONFIRMED -> CANCELLED, or PAID -> CANCELLED with a full refund through the gateway (RefundIssued,
 * cause CANCELLATION), by the customer their own order or by an operator. Inventory releases the
 * reservation on OrderCancelled.
 */
@Injectable()
export class CancelOrderHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    private readonly limits: CheckoutLimits,
  ) {}

  async execute(
    member: AuthenticatedMember,
    orderId: string,
    dto: CancelOrderDto,
    context: EventContext,
  ): Promise<void> {
    const refundId = cancellationRefundId(orderId);
    const result = await this.runtime.commands.execute(
      OrderAggregate,
      orderId,
      async (state) => {
        assertOrderAccess(member, state.memberId);
        const events = cancel(state, {
          kind: 'cancel',
          by: actorOf(member, state.memberId),
          reason: dto.reason ?? null,
          refundId,
        });
        await refundIssuedIn(this.gateway, state, events);
        return events;
      },
      context,
      // Locked while the refund is made: the refund and the cancellation are recorded together or not at all.
      { lock: true },
    );
    // Cancelled: no longer counted against the member's unpaid orders (not awaited).
    this.limits.settled([{ memberId: result.state.memberId, orderId }]);
  }
}
