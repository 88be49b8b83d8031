import { AnalyticsClock, RfmComputeSettings, scoreMembersLive } from '@ecom/analytics-read-models';
import type { EventEnvelope } from '@ecom/contracts';
import type { SqlExecutor } from '@ecom/event-sourcing';

/** The member whose RFM an event's facts change: payments and refunds, imported orders that were paid. */
export function rfmMemberOf(event: EventEnvelope): string | undefined {
  switch (event.type) {
    case 'OrderPaid':
    case 'RefundIssued':
      return (event.data as { memberId: string }).memberId;
    case 'OrderImported': {
      const data = event.data as { memberId: string; paidAt: string | null };
      return data.paidAt === null ? undefined : data.memberId;
    }
    default:
      return undefined;
  }
}

/**
 * Live RFM in the projector's batch: after the batch's facts are written, the members they belong
 * to are rescored against the last recomputation's cut points in the same transaction, so their
 * rows commit with the facts (see scoreMembersLive).
 */
export class LiveRfm {
  constructor(
    private readonly clock: AnalyticsClock,
    private readonly settings: RfmComputeSettings,
  ) {}

  async rescore(sql: SqlExecutor, events: readonly EventEnvelope[]): Promise<number> {
    const members = events.flatMap((event) => rfmMemberOf(event) ?? []);
    if (members.length === 0) return 0;
    return scoreMembersLive(sql, members, this.clock.now(), this.settings);
  }
}
