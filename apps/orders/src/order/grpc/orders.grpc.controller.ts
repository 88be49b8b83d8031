import { AuthenticatedMember, CurrentMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { InvalidCommandError } from '@ecom/event-sourcing';
import { RequestEventContext } from '@ecom/platform';
import { Controller } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { PlaceOrderDto } from '../place-order/place-order.dto';
import { PlaceOrderHandler } from '../place-order/place-order.handler';
import { OrdersQuery } from '../read-model/orders.query';

/** orders.v1 messages as @grpc/proto-loader hands them over (keepCase false, proto3 defaults filled in). */
interface GrpcPlaceOrderRequest {
  items?: { sku: string; quantity: number }[];
  cartId?: string;
  shippingAddress?: Record<string, string> | null;
  visitorId?: string;
  channel?: string;
  idempotencyKey?: string;
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
  };
}

/** orders.v1.OrdersService for storefronts; the member's token comes in the `authorization` metadata. */
@Controller()
export class OrdersGrpcController {
  constructor(
    private readonly placeOrder: PlaceOrderHandler,
    private readonly query: OrdersQuery,
  ) {}

  @GrpcMethod('OrdersService', 'PlaceOrder')
  async place(
    @Payload() request: GrpcPlaceOrderRequest,
    @CurrentMember() member: AuthenticatedMember,
    @RequestEventContext() context: EventContext,
  ) {
    const dto = plainToInstance(PlaceOrderDto, toPlaceOrderDto(request));
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      const describe = (e: ValidationError): string[] => [
        ...Object.values(e.constraints ?? {}),
        ...(e.children ?? []).flatMap((child) => describe(child).map((m) => `${e.property}.${m}`)),
      ];
      const messages = errors.flatMap(describe);
      throw new InvalidCommandError(messages.join('; '), 'VALIDATION');
    }
    const outcome = await this.placeOrder.handle(member, dto, context, orEmpty(request.idempotencyKey));
    return outcome.body;
  }

  @GrpcMethod('OrdersService', 'GetOrder')
  async get(@Payload() request: { id: string }, @CurrentMember() member: AuthenticatedMember) {
    const order = await this.query.get(member, request.id);
    return {
      id: order.id,
      memberId: order.memberId,
      status: order.status,
      items: order.items,
      total: order.total,
      currency: order.currency,
      history: order.history,
    };
  }
}
