import { EventSourcingRuntime, REDIS } from '@ecom/platform';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { v7 as uuidv7 } from 'uuid';
import { MEMBERS_SETTINGS, MembersSettings } from '../../config/members-settings';
import { reviewTier } from '../domain/member.decisions';
import { MEMBER_REPOSITORY, MemberRepository } from '../member.repository';
import { SpendLedger } from '../on-order-spend/spend-ledger';

const LOCK_KEY = 'members:tier-review:lock';
const PAGE = 500;

/**
 * Tiers also move without new orders: spend older than 12 months stops counting. Every
 * MEMBER_TIER_REVIEW_INTERVAL_SECONDS one replica (a Redis lock) re-evaluates the members that could
 * move and emits MemberTierChanged where the tier differs.
 */
@Injectable()
export class TierReviewService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TierReview');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly runtime: EventSourcingRuntime,
    @Inject(MEMBER_REPOSITORY) private readonly members: MemberRepository,
    @Inject(MEMBERS_SETTINGS) private readonly settings: MembersSettings,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.runScheduled().catch((error) =>
        this.logger.error(`tier review failed: ${(error as Error).message}`),
      );
    }, this.settings.tierReviewIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One run across replicas: the lock lasts the interval, so a run is skipped if another did it. */
  async runScheduled(now = new Date()): Promise<number> {
    const acquired = await this.redis.set(
      LOCK_KEY,
      uuidv7(),
      'PX',
      Math.max(1000, this.settings.tierReviewIntervalMs - 1000),
      'NX',
    );
    if (acquired !== 'OK') return 0;
    return this.review(now);
  }

  /** Re-evaluates every member whose tier could move at `now`; returns how many tiers changed. */
  review(now = new Date()): Promise<number> {
    this.running = (async () => {
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
        if (changed > 0) this.runtime.relay.nudge();
        if (page.length < PAGE) return changed;
        after = page[page.length - 1];
      }
    })();
    return this.running;
  }
}
