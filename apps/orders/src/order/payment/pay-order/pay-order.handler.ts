import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { OrderAggregate } from '../../domain/order.aggregate';
import { assertPayable, pay, recordPaymentFailure } from '../../domain/order.decisions';
import { assertOrderAccess } from '../../order-access';
import { CheckoutLimits } from '../../place-order/checkout-limits';
import { PAYMENT_GATEWAY, PaymentGateway } from '../payment-gateway.port';
import type { PayOrderDto, PaymentResponse } from './pay-order.dto';

/** The gateway declined the charge; PaymentFailed is recorded and the order stays CONFIRMED (402). */
export class PaymentDeclinedError extends Error {
  constructor(readonly reason: string) {
    super(`payment declined: ${reason}`);
    this.name = 'PaymentDeclinedError';
  }
}

@Injectable()
export class PayOrderHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    private readonly limits: CheckoutLimits,
  ) {}

  /**
   * CONFIRMED -> PAID. The amount must be the total (422) before the gateway is asked; a decline is
   * recorded as PaymentFailed and answered 402 (PaymentDeclinedError).
   */
  async execute(
    member: AuthenticatedMember,
    orderId: string,
    dto: PayOrderDto,
    context: EventContext,
  ): Promise<PaymentResponse> {
    let declined: string | undefined;
    const result = await this.runtime.commands.execute(
      OrderAggregate,
      orderId,
      async (state, version) => {
        assertOrderAccess(member, state.memberId);
        assertPayable(state, dto);
        const charge = await this.gateway.charge({
          orderId,
          amount: dto.amount,
          currency: state.currency,
          method: dto.method,
          // One charge per attempt at this version of the order: a retried request is not charged twice.
          idempotencyKey: `${orderId}:${version}`,
        });
        if (charge.status === 'declined') {
          declined = charge.reason;
          return recordPaymentFailure(state, {
            kind: 'recordPaymentFailure',
            amount: dto.amount,
            method: dto.method,
            reason: charge.reason,
          });
        }
        return pay(state, {
          kind: 'pay',
          amount: dto.amount,
          method: dto.method,
          paymentId: charge.paymentId,
        });
      },
      context,
      // Locked from the check to the append: the payment timeout cannot cancel an order being paid,
      // and the gateway is asked once.
      { lock: true },
    );
    if (declined !== undefined) throw new PaymentDeclinedError(declined);
    // Paid: no longer counted against the member's unpaid orders (not awaited).
    this.limits.settled([{ memberId: result.state.memberId, orderId }]);
    const { payment, currency } = result.state;
    return {
      orderId,
      paymentId: payment!.paymentId,
      amount: payment!.amount,
      currency,
      method: payment!.method,
      status: 'PAID',
    };
  }
}
