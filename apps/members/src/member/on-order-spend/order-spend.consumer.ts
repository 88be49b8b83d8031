import { EnvelopeOf, Topics } from '@ecom/contracts';
import { BatchedCommand, CommandSession, EventBatchOutcome, reactionContext } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members.settings';
import { MemberAggregate, MemberEvent, MemberState } from '../domain/member.aggregate';
import { importedOrderSpend } from '../domain/imported-order-spend';
import { recordOrderImported, recordOrderPaid, recordRefund } from '../domain/member.decisions';
import { SpendEntryKey, SpendLedger } from './spend-ledger';

export const ORDER_SPEND_CONSUMER = 'members.order-spend';

const ORDER_SPEND_EVENTS = ['OrderPaid', 'RefundIssued', 'OrderImported'] as const;
export type OrderSpendEvent = EnvelopeOf<(typeof ORDER_SPEND_EVENTS)[number]>;

type MemberCommand = BatchedCommand<MemberState, MemberEvent>;

/**
 * Points and tiers from orders.events: OrderPaid earns 1 point per 1.00, RefundIssued reverses the
 * points of what was refunded, and after each the tier follows the 12-month net spend. OrderImported
 * (a past order from the order-history import) records its payment and refunds at their original
 * dates, creates the member if unknown here (MemberImported) and moves the tier, but earns no
 * points (balances are migrated separately). The spend
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
    const commands: (MemberCommand & { eventId: string; entries: SpendEntryKey[] })[] = [];
    for (const event of events) {
      const recorded =
        event.type === 'OrderImported'
          ? await this.recordImportedOrder(event, session.sql, now)
          : await this.recordSpend(event, session.sql, now);
      if (recorded) commands.push({ ...recorded.command, eventId: event.id, entries: recorded.entries });
    }
    const results = await session.executeBatch(MemberAggregate, commands);
    const refused = results.flatMap((outcome, i) =>
      outcome.ok ? [] : [{ ...commands[i], error: outcome.error }],
    );
    // A refused event goes to the DLQ and must leave nothing behind: its entries go too, so a redrive
    // records them afresh. (A refusal means the member is unknown here, so no other figure used them.)
    await SpendLedger.remove(
      session.sql,
      refused.flatMap((r) => r.entries),
    );
    return { refused: refused.map((r) => ({ eventId: r.eventId, error: r.error })) };
  }

  /** Records the event's spend entry and returns the Member command it leads to (none for a repeat). */
  private async recordSpend(
    event: EnvelopeOf<'OrderPaid' | 'RefundIssued'>,
    sql: EntityManager,
    now: Date,
  ): Promise<{ command: MemberCommand; entries: SpendEntryKey[] } | undefined> {
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
    return { command: { aggregateId: memberId, context: reactionContext(event), decide }, entries: [entry] };
  }

  /**
   * Records an imported order's payment and refunds (none for an order never paid) and returns the
   * Member command that creates the member if needed and moves the tier; none when the order's
   * payment was recorded before (the same order imported again under another event id).
   */
  private async recordImportedOrder(
    event: EnvelopeOf<'OrderImported'>,
    sql: EntityManager,
    now: Date,
  ): Promise<{ command: MemberCommand; entries: SpendEntryKey[] } | undefined> {
    const { memberId, customerRef, orderId, currency } = event.data;
    const entries = importedOrderSpend(event.data);
    for (const [i, entry] of entries.entries()) {
      const fresh = await SpendLedger.record(sql, {
        ...entry,
        memberId,
        orderId,
        currency,
        eventId: event.id,
      });
      // The payment comes first: a repeat of it means the whole order was recorded before.
      if (!fresh && i === 0) return undefined;
    }
    const netSpend12m = await SpendLedger.netSpend12m(sql, memberId, now);
    const thresholds = this.settings.tierThresholds;
    return {
      command: {
        aggregateId: memberId,
        context: reactionContext(event),
        decide: (state) => recordOrderImported(state, { memberId, customerRef, netSpend12m, thresholds }),
      },
      entries: entries.map(({ type, entryId }) => ({ type, entryId })),
    };
  }
}
