import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { OrderAggregate } from '../../domain/order.aggregate';
import { ship } from '../../domain/order.decisions';
import type { ShipOrderDto } from './ship-order.dto';

/** PAID -> SHIPPED with the carrier's tracking number (an operator's command). */
@Injectable()
export class ShipOrderHandler {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  async execute(orderId: string, dto: ShipOrderDto, context: EventContext): Promise<void> {
    await this.runtime.commands.execute(
      OrderAggregate,
      orderId,
      (state) => ship(state, { kind: 'ship', carrier: dto.carrier, trackingNo: dto.trackingNo }),
      context,
    );
  }
}
