import { EnvelopeOf, Topics } from '@ecom/contracts';
import { CommandSession, EventBatchOutcome, reactionContext } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { OrderAggregate, OrderEvent, OrderState } from '../domain/order.aggregate';
import { confirmReservation, rejectReservation } from '../domain/order.decisions';
import { CheckoutLimits } from '../place-order/checkout-limits';

export const SAGA_EVENT_TYPES = ['StockReserved', 'StockReservationRejected'] as const;

type InventoryAnswer = EnvelopeOf<(typeof SAGA_EVENT_TYPES)[number]>;

/** What an inventory answer does to its order; an order this service does not know is left alone. */
function decisionOn(answer: InventoryAnswer): (state: OrderState) => OrderEvent[] {
  switch (answer.type) {
    case 'StockReserved':
      return (state) =>
        state.status === 'NEW'
          ? []
          : confirmReservation(state, { kind: 'confirmReservation', lines: answer.data.lines });
    case 'StockReservationRejected':
      return (state) =>
        state.status === 'NEW'
          ? []
          : rejectReservation(state, { kind: 'rejectReservation', shortLines: answer.data.shortLines });
  }
}

/**
 * The order saga's reaction to inventory: StockReserved -> CONFIRMED (OrderConfirmed), and
 * StockReservationRejected -> REJECTED (OrderRejected). A partition batch of answers is applied at
 * once: every order it names is locked and loaded together and appended to once, in one transaction.
 * Inventory answers once per order; a late or repeated answer, or one for an order this service does
 * not know, changes nothing.
 */
@Injectable()
export class OnStockReservation implements OnModuleInit {
  private readonly logger = new Logger('OrderSaga');

  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly limits: CheckoutLimits,
  ) {}

  onModuleInit(): void {
    this.runtime.consume({
      name: 'orders.order-saga',
      topics: [Topics.inventory],
      handles: SAGA_EVENT_TYPES,
      handleEvents: (events, session) => this.handleEvents(events, session),
    });
  }

  async handleEvents(answers: InventoryAnswer[], session: CommandSession): Promise<EventBatchOutcome> {
    const results = await session.executeBatch(
      OrderAggregate,
      answers.map((answer) => ({
        aggregateId: answer.data.orderId,
        context: reactionContext(answer),
        decide: decisionOn(answer),
      })),
    );
    const refused: { eventId: string; error: Error }[] = [];
    const rejected: { memberId: string; orderId: string }[] = [];
    results.forEach((outcome, i) => {
      const answer = answers[i];
      if (!outcome.ok) refused.push({ eventId: answer.id, error: outcome.error });
      else if (outcome.result.version === 0) {
        this.logger.warn(`${answer.type} for unknown order ${answer.data.orderId} ignored`);
      } else if (outcome.result.events.some((e) => e.type === 'OrderRejected')) {
        rejected.push({ memberId: outcome.result.state.memberId, orderId: answer.data.orderId });
      }
    });
    // Rejected orders hold nothing: no longer counted against their members' unpaid orders.
    session.afterCommit('orders.unpaid-settled', () => this.limits.settled(rejected));
    return { refused };
  }
}
