import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PaymentDeclinedError } from './pay-order/pay-order.handler';
import { PaymentGatewayError } from './payment-gateway.port';

/**
 * The HTTP answers of payment failures, in the contract's error body: a declined charge is 402 (the
 * order stays CONFIRMED, PaymentFailed is on the topic), a gateway that could not do what was asked
 * 502 (the order is left as it was). For the routes that move money (@UseFilters).
 */
@Catch(PaymentDeclinedError, PaymentGatewayError)
export class PaymentErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: PaymentDeclinedError | PaymentGatewayError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof PaymentDeclinedError) {
      void reply.status(HttpStatus.PAYMENT_REQUIRED).send({
        statusCode: HttpStatus.PAYMENT_REQUIRED,
        error: 'Payment Required',
        message: `payment declined: ${error.reason}`,
      });
      return;
    }
    this.logger.error(error.stack);
    void reply.status(HttpStatus.BAD_GATEWAY).send({
      statusCode: HttpStatus.BAD_GATEWAY,
      error: 'Bad Gateway',
      message: `payment gateway: ${error.message}`,
    });
  }
}
