import { DomainError, DomainErrorKind } from '@ecom/event-sourcing';
import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { throwError } from 'rxjs';

const HTTP_STATUS: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rule: HttpStatus.UNPROCESSABLE_ENTITY,
};

const GRPC_STATUS: Record<DomainErrorKind, number> = {
  invalid: GrpcStatus.INVALID_ARGUMENT,
  forbidden: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  conflict: GrpcStatus.ABORTED,
  rule: GrpcStatus.FAILED_PRECONDITION,
};

const HTTP_TO_GRPC: Record<number, number> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.NOT_FOUND,
  409: GrpcStatus.ABORTED,
  422: GrpcStatus.FAILED_PRECONDITION,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
  details?: Record<string, unknown>;
}

/** The reason phrase of a status code: 400 -> "Bad Request", 415 -> "Unsupported Media Type". */
export function statusName(statusCode: number): string {
  const name = HttpStatus[statusCode] as string | undefined;
  return name ? name.replace(/_/g, ' ').replace(/\w\S*/g, (w) => w[0] + w.slice(1).toLowerCase()) : 'Error';
}

/** Turns any error into the contract's `{ statusCode, error, message }` (HTTP) or a gRPC status. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof DomainError) {
    const statusCode = HTTP_STATUS[exception.kind];
    return {
      statusCode,
      error: statusName(statusCode),
      message: exception.message,
      ...(exception.code ? { code: exception.code } : {}),
      ...(exception.details ? { details: exception.details } : {}),
    };
  }
  if (exception instanceof ThrottlerException) {
    return { statusCode: 429, error: 'Too Many Requests', message: 'rate limit exceeded, retry later' };
  }
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const statusCode = exception.getStatus();
    // Errors of Fastify itself (malformed JSON, body too large, unsupported media type) come as an
    // HttpException with a bare message: the error field is still the status name, not the class.
    if (typeof response === 'object' && response !== null) {
      const body = response as Partial<ErrorBody>;
      return {
        statusCode,
        error: body.error ?? statusName(statusCode),
        message: body.message ?? exception.message,
      };
    }
    return { statusCode, error: statusName(statusCode), message: String(response) };
  }
  // Errors of the HTTP server and Fastify that Nest passes on unmapped carry a client-error status
  // (e.g. 400 for a request aborted while its body arrives): they are the client's, not a 500.
  const clientStatus = (exception as { statusCode?: unknown } | null)?.statusCode;
  if (
    exception instanceof Error &&
    typeof clientStatus === 'number' &&
    clientStatus >= 400 &&
    clientStatus < 500
  ) {
    return { statusCode: clientStatus, error: statusName(clientStatus), message: exception.message };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'internal error' };
}

@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() === 'rpc') {
      if (exception instanceof RpcException) return throwError(() => exception.getError());
      const body = toErrorBody(exception);
      if (body.statusCode >= 500) this.logger.error(exception);
      const code =
        exception instanceof DomainError
          ? GRPC_STATUS[exception.kind]
          : (HTTP_TO_GRPC[body.statusCode] ?? GrpcStatus.INTERNAL);
      const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
      return throwError(() => ({ code, message }));
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // Terminus' 503 carries the per-dependency details operators need: pass it through as it is.
    if (exception instanceof ServiceUnavailableException) {
      const response = exception.getResponse();
      if (typeof response === 'object' && response !== null && 'details' in response) {
        void reply.status(503).send(response);
        return;
      }
    }
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : exception);
    void reply.status(body.statusCode).send(body);
  }
}
