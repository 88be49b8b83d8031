import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { ForbiddenError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { OrderAggregate, ReturnReasonCode } from '../domain/order.aggregate';
import {
  approveReturn,
  receiveReturn,
  refundReturn,
  rejectReturn,
  requestReturn,
} from '../domain/order.decisions';
import { assertOrderAccess } from '../order-access';
import { PAYMENT_GATEWAY, PaymentGateway, refundIssuedIn } from '../payment/payment-gateway.port';
import { OrdersQuery } from '../read-model/orders.query';

/** Returns live in the Order aggregate: REQUESTED -> APPROVED -> RECEIVED -> REFUNDED (or REJECTED). */
@Injectable()
export class ReturnsHandler {
  private readonly orders;

  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly query: OrdersQuery,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {
    this.orders = runtime.repository(OrderAggregate);
  }

  /** The customer asks to return lines of a DELIVERED or COMPLETED order; the note stays in the database. */
  async request(
    member: AuthenticatedMember,
    orderId: string,
    input: { items: { sku: string; quantity: number }[]; reason: ReturnReasonCode; note?: string },
    context: EventContext,
  ): Promise<string> {
    const returnId = uuidv7();
    await this.runtime.dataSource.transaction(async (tx) => {
      await this.orders.execute(
        orderId,
        (state) => {
          assertOrderAccess(member, state.memberId);
          if (state.memberId !== member.id) {
            throw new ForbiddenError(
              'only the customer who placed the order requests a return',
              'NOT_ORDER_OWNER',
            );
          }
          return requestReturn(state, {
            kind: 'requestReturn',
            returnId,
            reason: input.reason,
            lines: input.items,
          });
        },
        context,
        { tx },
      );
      if (input.note) {
        await tx.query(`INSERT INTO return_notes (return_id, order_id, note) VALUES ($1, $2, $3)`, [
          returnId,
          orderId,
          input.note,
        ]);
      }
    });
    return returnId;
  }

  async approve(returnId: string, context: EventContext): Promise<void> {
    const orderId = await this.query.orderOfReturn(returnId);
    await this.orders.execute(orderId, (state) => approveReturn(state, returnId), context);
  }

  async reject(returnId: string, reason: string, context: EventContext): Promise<void> {
    const orderId = await this.query.orderOfReturn(returnId);
    await this.orders.execute(orderId, (state) => rejectReturn(state, returnId, reason), context);
  }

  /** The goods arrived: ReturnReceived makes inventory put the units back on hand. */
  async receive(returnId: string, context: EventContext): Promise<void> {
    const orderId = await this.query.orderOfReturn(returnId);
    await this.orders.execute(orderId, (state) => receiveReturn(state, returnId), context);
  }

  /** Gives the return's value back through the gateway (RefundIssued, cause RETURN). */
  async refund(returnId: string, context: EventContext): Promise<void> {
    const orderId = await this.query.orderOfReturn(returnId);
    const refundId = uuidv7();
    await this.orders.execute(
      orderId,
      async (state) => {
        const events = refundReturn(state, returnId, refundId);
        await refundIssuedIn(this.gateway, state, events);
        return events;
      },
      context,
      { lock: true },
    );
  }
}
