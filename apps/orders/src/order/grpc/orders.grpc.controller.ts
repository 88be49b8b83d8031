import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { InvalidCommandError } from '@ecom/event-sourcing';
import { RequestEventContext } from '@ecom/platform';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload, RpcException } from '@nestjs/microservices';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { catchError, map, Observable, throwError } from 'rxjs';
import { CheckoutUnavailableError, OrderRateLimitedError } from '../place-order/checkout-limits';
import { PlaceOrderDto } from '../place-order/place-order.dto';
import { PlaceOrderHandler } from '../place-order/place-order.handler';
import { OrdersQuery, OrderView } from '../read-model/orders.query';
import { TooManyWatchersError } from '../watch-order/order-watchers';
import { WATCH_STREAM_TIMEOUT_MS, WatchOrderRequestDto } from '../watch-order/watch-order.dto';
import { TERMINAL_ORDER_STATUSES, WatchOrderHandler } from '../watch-order/watch-order.handler';

/** orders.v1 messages as @grpc/proto-loader hands them over (keepCase false, proto3 defaults filled in). */
interface GrpcPlaceOrderRequest {
  items?: { sku: string; quantity: number }[];
  cartId?: string;
  shippingAddress?: Record<string, string> | null;
  visitorId?: string;
  channel?: string;
  idempotencyKey?: string;
  experiments?: Record<string, string>;
}

interface GrpcWatchOrderRequest {
  id?: string;
  untilStatus?: string[];
  timeoutMs?: number;
}

const orEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/** Proto3 has no "absent" for strings: an empty string means not sent. */
export function toPlaceOrderDto(request: GrpcPlaceOrderRequest): Record<string, unknown> {
  const address = request.shippingAddress ?? undefined;
  return {
    items:
      request.items && request.items.length > 0
        ? request.items.map((i) => ({ sku: i.sku, quantity: i.quantity }))
        : undefined,
    cartId: orEmpty(request.cartId),
    shippingAddress: address
      ? Object.fromEntries(
          Object.entries(address).filter(([, v]) => v !== '' && v !== undefined && v !== null),
        )
      : undefined,
    visitorId: orEmpty(request.visitorId),
    channel: orEmpty(request.channel),
    // A proto3 map is never absent: an empty one means none sent.
    experiments:
      request.experiments && Object.keys(request.experiments).length > 0 ? request.experiments : undefined,
  };
}

/** orders.v1 Order. */
export type GrpcOrder = Pick<
  OrderView,
  'id' | 'memberId' | 'status' | 'items' | 'total' | 'currency' | 'history'
>;

export const toGrpcOrder = (order: OrderView): GrpcOrder => ({
  id: order.id,
  memberId: order.memberId,
  status: order.status,
  items: order.items,
  total: order.total,
  currency: order.currency,
  history: order.history,
});

/** The class-validated request, or INVALID_ARGUMENT naming every bad field. */
function validGrpcRequest<T extends object>(type: new () => T, plain: Record<string, unknown>): T {
  const dto = plainToInstance(type, plain);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const describe = (e: ValidationError): string[] => [
      ...Object.values(e.constraints ?? {}),
      ...(e.children ?? []).flatMap((child) => describe(child).map((m) => `${e.property}.${m}`)),
    ];
    throw new InvalidCommandError(errors.flatMap(describe).join('; '), 'VALIDATION');
  }
  return dto;
}

/**
 * orders.v1.OrdersService (and orders.v1.Orders, which has WatchOrder only) for storefronts; the
 * member's token comes in the `authorization` metadata.
 */
@Controller()
export class OrdersGrpcController {
  constructor(
    private readonly placeOrder: PlaceOrderHandler,
    private readonly query: OrdersQuery,
    private readonly watch: WatchOrderHandler,
  ) {}

  @GrpcMethod('OrdersService', 'PlaceOrder')
  async place(
    @Payload() request: GrpcPlaceOrderRequest,
    @CurrentMember() member: AuthenticatedMember,
    @RequestEventContext() context: EventContext,
  ) {
    const dto = validGrpcRequest(PlaceOrderDto, toPlaceOrderDto(request));
    const outcome = await this.placeOrder
      .execute(member, dto, context, orEmpty(request.idempotencyKey))
      .catch((error: unknown) => {
        // gRPC has no Retry-After: the message says how long to wait.
        if (error instanceof OrderRateLimitedError)
          throw new RpcException({ code: GrpcStatus.RESOURCE_EXHAUSTED, message: error.message });
        if (error instanceof CheckoutUnavailableError)
          throw new RpcException({ code: GrpcStatus.UNAVAILABLE, message: error.message });
        throw error;
      });
    return outcome.body;
  }

  @GrpcMethod('OrdersService', 'GetOrder')
  async get(@Payload() request: { id: string }, @CurrentMember() member: AuthenticatedMember) {
    return toGrpcOrder(await this.query.get(member, request.id));
  }

  /** orders.v1.Orders/WatchOrder, the contract's name for it. */
  @GrpcMethod('Orders', 'WatchOrder')
  watchOrder(@Payload() request: GrpcWatchOrderRequest, @CurrentMember() member: AuthenticatedMember) {
    return this.streamOrder(request, member);
  }

  /** The same stream under OrdersService, for clients of the older service name. */
  @GrpcMethod('OrdersService', 'WatchOrder')
  watchOrderOnOrdersService(
    @Payload() request: GrpcWatchOrderRequest,
    @CurrentMember() member: AuthenticatedMember,
  ) {
    return this.streamOrder(request, member);
  }

  /** A server stream: Nest writes each emitted Order and ends the call when it completes. */
  private streamOrder(request: GrpcWatchOrderRequest, member: AuthenticatedMember): Observable<GrpcOrder> {
    const dto = validGrpcRequest(WatchOrderRequestDto, {
      id: request.id ?? '',
      untilStatus: request.untilStatus?.length ? request.untilStatus : undefined,
      timeoutMs: request.timeoutMs || undefined,
    });
    return this.watch
      .follow(member, dto.id, {
        until: dto.untilStatus ?? TERMINAL_ORDER_STATUSES,
        timeoutMs: dto.timeoutMs ?? WATCH_STREAM_TIMEOUT_MS.default,
      })
      .pipe(
        map(toGrpcOrder),
        catchError((error: unknown) =>
          throwError(() =>
            error instanceof TooManyWatchersError
              ? new RpcException({ code: GrpcStatus.UNAVAILABLE, message: error.message })
              : error,
          ),
        ),
      );
  }
}
