import { AuthenticatedMember, isBackOffice } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { ForbiddenError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { OrderAggregate, OrderState } from '../domain/order.aggregate';
import { cancel, confirmReceipt, deliver, ship } from '../domain/order.decisions';
import { actorOf, assertOrderAccess } from '../order-access';
import { PAYMENT_GATEWAY, PaymentGateway, refundIssuedIn } from '../payment/payment-gateway.port';

/** Cancel, ship, deliver and confirm receipt: load -> check who asks -> decide -> append. */
@Injectable()
export class OrderLifecycleHandler {
  private readonly orders;

  constructor(
    private readonly runtime: EventSourcingRuntime,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {
    this.orders = runtime.repository(OrderAggregate);
  }

  /**
   * CONFIRMED -> CANCELLED, or PAID -> CANCELLED with a full refund through the gateway (RefundIssued,
   * cause CANCELLATION). Inventory releases the reservation on OrderCancelled. The stream is locked
   * while the refund is made, so the refund and the cancellation are recorded together or not at all.
   */
  async cancel(
    member: AuthenticatedMember,
    orderId: string,
    reason: string | null,
    context: EventContext,
  ): Promise<OrderState> {
    const refundId = uuidv7();
    const result = await this.orders.execute(
      orderId,
      async (state) => {
        assertOrderAccess(member, state.memberId);
        const events = cancel(state, {
          kind: 'cancel',
          by: actorOf(member, state.memberId),
          reason,
          refundId,
        });
        await refundIssuedIn(this.gateway, state, events);
        return events;
      },
      context,
      { lock: true },
    );
    return result.state;
  }

  async ship(
    orderId: string,
    carrier: string,
    trackingNo: string,
    context: EventContext,
  ): Promise<OrderState> {
    return (
      await this.orders.execute(
        orderId,
        (state) => ship(state, { kind: 'ship', carrier, trackingNo }),
        context,
      )
    ).state;
  }

  async deliver(orderId: string, context: EventContext): Promise<OrderState> {
    return (await this.orders.execute(orderId, (state) => deliver(state), context)).state;
  }

  /** DELIVERED -> COMPLETED, by the customer who placed the order. */
  async confirmReceipt(
    member: AuthenticatedMember,
    orderId: string,
    context: EventContext,
  ): Promise<OrderState> {
    const result = await this.orders.execute(
      orderId,
      (state) => {
        assertOrderAccess(member, state.memberId);
        if (state.memberId !== member.id && isBackOffice(member)) {
          throw new ForbiddenError(
            'only the customer who placed the order confirms its receipt',
            'NOT_ORDER_OWNER',
          );
        }
        return confirmReceipt(state);
      },
      context,
    );
    return result.state;
  }
}
