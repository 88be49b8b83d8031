import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PaymentDeclinedError } from './pay-order/pay-order.handler';
import { PaymentGatewayError, PaymentGatewayUnavailableError } from './payment-gateway.port';

type PaymentFailure = PaymentDeclinedError | PaymentGatewayError | PaymentGatewayUnavailableError;

/**
 * The HTTP answers of payment failures, in the contract's error body: a declined charge is 402 (the
 * order stays CONFIRMED, PaymentFailed is on the topic), a gateway that refused what was asked 502, a
 * gateway that cannot be reached (the simulator's Redis is down) 503 with Retry-After; in both of the
 * latter the order is left as it was. For the routes that move money (@UseFilters).
 */
@Catch(PaymentDeclinedError, PaymentGatewayError, PaymentGatewayUnavailableError)
export class PaymentErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: PaymentFailure, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof PaymentDeclinedError) {
      void reply.status(HttpStatus.PAYMENT_REQUIRED).send({
        statusCode: HttpStatus.PAYMENT_REQUIRED,
        error: 'Payment Required',
        message: `payment declined: ${error.reason}`,
      });
      return;
    }
    if (error instanceof PaymentGatewayUnavailableError) {
      // The cause (a Redis connection error) is for the log, not for the client.
      this.logger.warn(error.message);
      void reply
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .header('Retry-After', String(error.retryAfterSeconds))
        .send({
          statusCode: HttpStatus.SERVICE_UNAVAILABLE,
          error: 'Service Unavailable',
          message: 'payment gateway is unavailable, the order was left as it was; retry later',
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
