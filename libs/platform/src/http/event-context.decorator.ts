import type { EventContext } from '@ecom/contracts';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';

/**
 * The correlation of the events a request causes: the caller's X-Correlation-Id when sent (so a
 * storefront's trace continues), else the request id the logger uses.
 */
export const RequestEventContext = createParamDecorator(
  (_: unknown, context: ExecutionContext): EventContext => {
    if (context.getType() === 'rpc') {
      const metadata = context.switchToRpc().getContext() as { get?(key: string): unknown[] };
      const fromMetadata = metadata.get?.('x-correlation-id')?.[0];
      return { correlationId: typeof fromMetadata === 'string' ? fromMetadata : uuidv7(), causationId: null };
    }
    const request = context.switchToHttp().getRequest();
    return { correlationId: String(request.id ?? uuidv7()), causationId: null };
  },
);

export function correlationIdOf(headers: Record<string, unknown>): string {
  const value = headers['x-correlation-id'];
  return typeof value === 'string' && /^[\w.:-]{1,100}$/.test(value) ? value : uuidv7();
}
