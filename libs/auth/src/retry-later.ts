import {
  CallHandler,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';

/**
 * A refusal the client should retry after a while: 429 (a rate limit) or 503 (a dependency the
 * answer needs, such as Redis, is unreachable). RetryAfterInterceptor (or the auth guard) puts its
 * seconds into the Retry-After header.
 */
export class RetryLaterException extends HttpException {
  constructor(
    status: HttpStatus.TOO_MANY_REQUESTS | HttpStatus.SERVICE_UNAVAILABLE,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      {
        statusCode: status,
        error: status === HttpStatus.TOO_MANY_REQUESTS ? 'Too Many Requests' : 'Service Unavailable',
        message,
      },
      status,
    );
  }

  static tooManyRequests(message: string, retryAfterMs: number): RetryLaterException {
    return new RetryLaterException(
      HttpStatus.TOO_MANY_REQUESTS,
      message,
      Math.max(1, Math.ceil(retryAfterMs / 1000)),
    );
  }

  static unavailable(what: string, retryAfterSeconds = 1): RetryLaterException {
    return new RetryLaterException(
      HttpStatus.SERVICE_UNAVAILABLE,
      `${what} is unavailable, retry later`,
      retryAfterSeconds,
    );
  }
}

/** Sets Retry-After on an HTTP reply (Fastify or Node) for a RetryLaterException. */
export function setRetryAfter(reply: unknown, error: RetryLaterException): void {
  const target = reply as {
    header?(name: string, value: string): unknown;
    setHeader?(n: string, v: string): unknown;
  };
  const value = String(error.retryAfterSeconds);
  if (typeof target?.header === 'function') target.header('Retry-After', value);
  else if (typeof target?.setHeader === 'function') target.setHeader('Retry-After', value);
}

/** Adds Retry-After to the HTTP answer of a RetryLaterException thrown by a route. */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof RetryLaterException && context.getType() === 'http') {
          setRetryAfter(context.switchToHttp().getResponse(), error);
        }
        return throwError(() => error);
      }),
    );
  }
}
