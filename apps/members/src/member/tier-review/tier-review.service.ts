import { ClusterScheduler, EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members.settings';
import { reviewTier } from '../domain/member.decisions';
import { MEMBER_REPOSITORY, MemberRepository } from '../member.repository';
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
    private readonly scheduler: ClusterScheduler,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
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
    for (;;) {
      const page = await SpendLedger.membersToReview(this.runtime.dataSource, now, after, PAGE);
      for (const memberId of page) {
        const result = await this.runtime.dataSource.transaction(async (tx) => {
          const net = await SpendLedger.netSpend12m(tx, memberId, now);
          return this.members.execute(
            memberId,
            (state) => reviewTier(state, net, this.settings.tierThresholds),
            context,
            { tx },
          );
        });
        changed += result.events.length;
      }
      if (page.length < PAGE) return changed;
      after = page[page.length - 1];
    }
  }
}
