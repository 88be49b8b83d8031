import { EventEnvelope, OrdersEvent, Topics } from '@ecom/contracts';
import { BatchedCommand, EventBatchOutcome, reactionContext } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members.settings';
import { MemberEvent, MemberState } from '../domain/member.aggregate';
import { recordOrderPaid, recordRefund } from '../domain/member.decisions';
import { MEMBER_REPOSITORY, MemberRepository } from '../member.repository';
import { SpendEntryKey, SpendLedger } from './spend-ledger';

type DataOf<T extends OrdersEvent['type']> = Extract<OrdersEvent, { type: T }>['data'];

export const ORDER_SPEND_CONSUMER = 'members.order-spend';

/**
 * Points and tiers from orders.events: OrderPaid earns 1 point per 1.00, RefundIssued reverses the
 * points of what was refunded, and after each the tier follows the 12-month net spend. The spend
 * entries, the processed-event records and the Member events of a partition batch commit in one
 * transaction, so a redelivered event changes nothing. Each event's spend figures are read right
 * after its own entry is recorded (as if the events came one by one); the Member streams of the
 * batch are then locked, decided in order in memory and appended once. An event for a member
 * unknown here goes to orders.events.dlq.
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
      handleEvents: (events, tx) => this.handleEvents(events, tx),
    });
  }

  async handleEvents(
    events: EventEnvelope[],
    tx: EntityManager,
    now = new Date(),
  ): Promise<EventBatchOutcome> {
    const commands: (BatchedCommand<MemberState, MemberEvent> & { eventId: string; entry: SpendEntryKey })[] =
      [];
    for (const event of events) {
      const recorded = await this.recordSpend(event, tx, now);
      if (recorded) commands.push({ ...recorded.command, eventId: event.id, entry: recorded.entry });
    }
    const results = await this.members.executeBatch(tx, commands);
    const refused = results.flatMap((outcome, i) =>
      outcome.ok ? [] : [{ ...commands[i], error: outcome.error }],
    );
    // A refused event goes to the DLQ and must leave nothing behind: its entry goes too, so a redrive
    // records it afresh. (A refusal means the member is unknown here, so no other figure used it.)
    await SpendLedger.remove(
      tx,
      refused.map((r) => r.entry),
    );
    return { refused: refused.map((r) => ({ eventId: r.eventId, error: r.error })) };
  }

  /** Records the event's spend entry and returns the Member command it leads to (none for a repeat). */
  private async recordSpend(
    event: EventEnvelope,
    tx: EntityManager,
    now: Date,
  ): Promise<{ command: BatchedCommand<MemberState, MemberEvent>; entry: SpendEntryKey } | undefined> {
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
      if (!fresh) return undefined;
      const { refunded } = await SpendLedger.orderTotals(tx, data.orderId);
      const netSpend12m = await SpendLedger.netSpend12m(tx, data.memberId, now);
      const entry: SpendEntryKey = { type: 'PAYMENT', entryId: data.paymentId };
      const command: BatchedCommand<MemberState, MemberEvent> = {
        aggregateId: data.memberId,
        context,
        decide: (state) =>
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
      };
      return { command, entry };
    }
    if (event.type === 'RefundIssued') {
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
      if (!fresh) return undefined;
      const totals = await SpendLedger.orderTotals(tx, data.orderId);
      const netSpend12m = await SpendLedger.netSpend12m(tx, data.memberId, now);
      const entry: SpendEntryKey = { type: 'REFUND', entryId: data.refundId };
      const command: BatchedCommand<MemberState, MemberEvent> = {
        aggregateId: data.memberId,
        context,
        decide: (state) =>
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
      };
      return { command, entry };
    }
    return undefined;
  }
}
