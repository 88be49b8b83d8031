import { RequireRole } from '@ecom/auth';
import { NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ReservationAggregate, ReservationStatus } from './domain/reservation.aggregate';

class ReservationLineView {
  @ApiProperty() sku!: string;
  @ApiProperty() warehouse!: string;
  @ApiProperty() quantity!: number;
}

export class ReservationView {
  @ApiProperty() orderId!: string;
  @ApiProperty({ enum: ['RESERVED', 'REJECTED', 'RELEASED', 'SHIPPED'] }) status!: ReservationStatus;
  @ApiProperty({ type: [ReservationLineView], description: 'units held (or shipped) by SKU and warehouse' })
  lines!: ReservationLineView[];
  @ApiProperty({ type: [ReservationLineView], description: 'units put back on-hand by returns' })
  returned!: ReservationLineView[];
}

/** The stock side of an order, for operators tracing the saga. */
@ApiTags('reservations')
@ApiBearerAuth()
@RequireRole('operator')
@Controller('reservations')
export class ReservationController {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  @Get(':orderId')
  @ApiOperation({ summary: "An order's reservation (404 before inventory has decided on it)" })
  @ApiOkResponse({ type: ReservationView })
  async get(@Param('orderId') orderId: string): Promise<ReservationView> {
    const { state } = await this.runtime.commands.load(ReservationAggregate, orderId);
    if (state.status === 'NONE')
      throw new NotFoundError(`no reservation for order ${orderId}`, 'RESERVATION_NOT_FOUND');
    return { orderId, status: state.status, lines: state.lines, returned: state.returned };
  }
}
