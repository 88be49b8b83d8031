import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { OrderAggregate } from '../domain/order.aggregate';
import { assertPayable, pay, recordPaymentFailure } from '../domain/order.decisions';
import { assertOrderAccess } from '../order-access';
import { PAYMENT_GATEWAY, PaymentGateway } from './payment-gateway.port';
import { PayOrderDto, PaymentResponse } from './pay-order.dto';

/** 402: the gateway declined; the order stays CONFIRMED (PaymentFailed is on the topic). */
export class PaymentDeclinedException extends HttpException {
  constructor(reason: string) {
    super(
      {
        statusCode: HttpStatus.PAYMENT_REQUIRED,
        error: 'Payment Required',
        message: `payment declined: ${reason}`,
      },
      HttpStatus.PAYMENT_REQUIRED,
    );
  }
}

@Injectable()
export class PayOrderHandler {
  private readonly orders;

  constructor(
    private readonly runtime: EventSourcingRuntime,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {
    this.orders = runtime.repository(OrderAggregate);
  }

  /**
   * CONFIRMED -> PAID. The amount must be the total (422) before the gateway is asked; a decline is
   * recorded as PaymentFailed and answered 402. The order's stream stays locked from the check to the
   * append, so the payment timeout cannot cancel an order while it is being paid.
   */
  async handle(
    member: AuthenticatedMember,
    orderId: string,
    dto: PayOrderDto,
    context: EventContext,
  ): Promise<PaymentResponse> {
    let declined: string | undefined;
    const result = await this.orders.execute(
      orderId,
      async (state, version) => {
        assertOrderAccess(member, state.memberId);
        assertPayable(state, dto.amount);
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
    if (declined !== undefined) throw new PaymentDeclinedException(declined);
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
