import { EventEnvelope, OrdersEvent, Topics } from '@ecom/contracts';
import { reactionContext } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members-settings';
import { recordOrderPaid, recordRefund } from '../domain/member.decisions';
import { MEMBER_REPOSITORY, MemberRepository } from '../member.repository';
import { SpendLedger } from './spend-ledger';

type DataOf<T extends OrdersEvent['type']> = Extract<OrdersEvent, { type: T }>['data'];

export const ORDER_SPEND_CONSUMER = 'members.order-spend';

/**
 * Points and tiers from orders.events: OrderPaid earns 1 point per 1.00, RefundIssued reverses the
 * points of what was refunded, and after each the tier follows the 12-month net spend. The spend
 * entry, the processed-event record and the Member events commit in one transaction, so a
 * redelivered event changes nothing. An event for a member unknown here goes to orders.events.dlq.
 */
@Injectable()
export class OrderSpendConsumer implements OnModuleInit {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
  ) {}

  onModuleInit(): void {
    this.runtime.consume({
      name: ORDER_SPEND_CONSUMER,
      topics: [Topics.orders],
      handles: ['OrderPaid', 'RefundIssued'],
      handle: (event, tx) => this.handle(event, tx),
    });
  }

  async handle(event: EventEnvelope, tx: EntityManager, now = new Date()): Promise<void> {
    const thresholds = this.settings.tierThresholds;
    const context = reactionContext(event);
    if (event.type === 'OrderPaid') {
      const data = event.data as DataOf<'OrderPaid'>;
      const fresh = await SpendLedger.record(tx, {
        type: 'PAYMENT',
        entryId: data.paymentId,
        memberId: data.memberId,
        orderId: data.orderId,
        amount: data.amount,
        currency: data.currency,
        occurredAt: event.occurredAt,
        eventId: event.id,
      });
      if (!fresh) return;
      const { refunded } = await SpendLedger.orderTotals(tx, data.orderId);
      const netSpend12m = await SpendLedger.netSpend12m(tx, data.memberId, now);
      await this.members.execute(
        data.memberId,
        (state) =>
          recordOrderPaid(
            state,
            {
              memberId: data.memberId,
              orderId: data.orderId,
              amount: data.amount,
              orderRefunded: refunded,
              netSpend12m,
            },
            thresholds,
          ),
        context,
        { tx },
      );
    } else if (event.type === 'RefundIssued') {
      const data = event.data as DataOf<'RefundIssued'>;
      const fresh = await SpendLedger.record(tx, {
        type: 'REFUND',
        entryId: data.refundId,
        memberId: data.memberId,
        orderId: data.orderId,
        amount: data.amount,
        currency: data.currency,
        occurredAt: event.occurredAt,
        eventId: event.id,
      });
      if (!fresh) return;
      const totals = await SpendLedger.orderTotals(tx, data.orderId);
      const netSpend12m = await SpendLedger.netSpend12m(tx, data.memberId, now);
      await this.members.execute(
        data.memberId,
        (state) =>
          recordRefund(
            state,
            {
              memberId: data.memberId,
              orderId: data.orderId,
              refundId: data.refundId,
              orderPaid: totals.paid,
              orderRefunded: totals.refunded,
              netSpend12m,
            },
            thresholds,
          ),
        context,
        { tx },
      );
    }
  }
}
