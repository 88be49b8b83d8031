import { ClusterScheduler, EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members.settings';
import { MemberAggregate } from '../domain/member.aggregate';
import { reviewTier } from '../domain/member.decisions';
import { SpendLedger } from '../on-order-spend/spend-ledger';

const PAGE = 500;

/**
 * Tiers also move without new orders: spend older than 12 months stops counting. Every
 * MEMBER_TIER_REVIEW_INTERVAL_SECONDS one replica (ClusterScheduler) re-evaluates the members that could
 * move and emits MemberTierChanged where the tier differs.
 */
@Injectable()
export class TierReviewService implements OnApplicationBootstrap {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly dataSource: DataSource,
    private readonly scheduler: ClusterScheduler,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every('tier-review', this.settings.tierReviewIntervalMs, () => this.review(new Date()));
  }

  /** Re-evaluates every member whose tier could move at `now`; returns how many tiers changed. */
  async review(now = new Date()): Promise<number> {
    let changed = 0;
    let after = '';
    const context = { correlationId: `tier-review-${uuidv7()}`, causationId: null };
    const thresholds = this.settings.tierThresholds;
    for (;;) {
      const page = await SpendLedger.membersToReview(this.dataSource, now, after, PAGE);
      for (const memberId of page) {
        // The net spend is read in the session, so a retry after a consumer appended reads it afresh.
        const result = await this.runtime.commands.run(async (session) => {
          const netSpend12m = await SpendLedger.netSpend12m(session.sql, memberId, now);
          return session.execute(
            MemberAggregate,
            memberId,
            (state) => reviewTier(state, { netSpend12m, thresholds }),
            context,
          );
        });
        changed += result.events.length;
      }
      if (page.length < PAGE) return changed;
      after = page[page.length - 1];
    }
  }
}
