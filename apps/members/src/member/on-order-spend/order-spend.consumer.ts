import { EnvelopeOf, Topics } from '@ecom/contracts';
import { BatchedCommand, CommandSession, EventBatchOutcome, reactionContext } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members.settings';
import { MemberAggregate, MemberEvent, MemberState } from '../domain/member.aggregate';
import { recordOrderPaid, recordRefund } from '../domain/member.decisions';
import { SpendEntryKey, SpendLedger } from './spend-ledger';

export const ORDER_SPEND_CONSUMER = 'members.order-spend';

const ORDER_SPEND_EVENTS = ['OrderPaid', 'RefundIssued'] as const;
export type OrderSpendEvent = EnvelopeOf<(typeof ORDER_SPEND_EVENTS)[number]>;

type MemberCommand = BatchedCommand<MemberState, MemberEvent>;

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
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
  ) {}

  onModuleInit(): void {
    this.runtime.consume({
      name: ORDER_SPEND_CONSUMER,
      topics: [Topics.orders],
      handles: ORDER_SPEND_EVENTS,
      handleEvents: (events, session) => this.handleEvents(events, session),
    });
  }

  async handleEvents(
    events: OrderSpendEvent[],
    session: CommandSession,
    now = new Date(),
  ): Promise<EventBatchOutcome> {
    const commands: (MemberCommand & { eventId: string; entry: SpendEntryKey })[] = [];
    for (const event of events) {
      const recorded = await this.recordSpend(event, session.sql, now);
      if (recorded) commands.push({ ...recorded.command, eventId: event.id, entry: recorded.entry });
    }
    const results = await session.executeBatch(MemberAggregate, commands);
    const refused = results.flatMap((outcome, i) =>
      outcome.ok ? [] : [{ ...commands[i], error: outcome.error }],
    );
    // A refused event goes to the DLQ and must leave nothing behind: its entry goes too, so a redrive
    // records it afresh. (A refusal means the member is unknown here, so no other figure used it.)
    await SpendLedger.remove(
      session.sql,
      refused.map((r) => r.entry),
    );
    return { refused: refused.map((r) => ({ eventId: r.eventId, error: r.error })) };
  }

  /** Records the event's spend entry and returns the Member command it leads to (none for a repeat). */
  private async recordSpend(
    event: OrderSpendEvent,
    sql: EntityManager,
    now: Date,
  ): Promise<{ command: MemberCommand; entry: SpendEntryKey } | undefined> {
    const { memberId, orderId, amount, currency } = event.data;
    const entry: SpendEntryKey =
      event.type === 'OrderPaid'
        ? { type: 'PAYMENT', entryId: event.data.paymentId }
        : { type: 'REFUND', entryId: event.data.refundId };
    const fresh = await SpendLedger.record(sql, {
      ...entry,
      memberId,
      orderId,
      amount,
      currency,
      occurredAt: event.occurredAt,
      eventId: event.id,
    });
    if (!fresh) return undefined;
    const totals = await SpendLedger.orderTotals(sql, orderId);
    const netSpend12m = await SpendLedger.netSpend12m(sql, memberId, now);
    const thresholds = this.settings.tierThresholds;
    const decide: MemberCommand['decide'] =
      event.type === 'OrderPaid'
        ? (state) =>
            recordOrderPaid(state, {
              memberId,
              orderId,
              amount,
              orderRefunded: totals.refunded,
              netSpend12m,
              thresholds,
            })
        : (state) =>
            recordRefund(state, {
              memberId,
              orderId,
              refundId: event.data.refundId,
              orderPaid: totals.paid,
              orderRefunded: totals.refunded,
              netSpend12m,
              thresholds,
            });
    return { command: { aggregateId: memberId, context: reactionContext(event), decide }, entry };
  }
}
