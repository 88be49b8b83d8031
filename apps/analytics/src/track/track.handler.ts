import { AnalyticsClock } from '@ecom/analytics-read-models';
import type { AuthenticatedMember } from '@ecom/auth';
import { hasRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { DomainEvent, ForbiddenError, InvalidCommandError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Inject, Injectable } from '@nestjs/common';
import { ANALYTICS_SETTINGS, AnalyticsSettings } from '../config/analytics.settings';
import { RateLimiter } from './rate-limiter';
import type { TrackEventDto, TrackType } from './track.dto';

const EVENT_TYPE: Record<TrackType, 'PageViewed' | 'ProductViewed' | 'Searched'> = {
  page_view: 'PageViewed',
  product_view: 'ProductViewed',
  search: 'Searched',
};

export interface TrackCaller {
  ip: string;
  member?: AuthenticatedMember;
}

/**
 * Storefront behaviour ingest: checks the times and who the event is for, charges the per-visitor
 * and per-IP rate limits, then appends the events to the analytics event store (aggregate Visitor,
 * one stream per visitor, no version check) in one transaction; the outbox relay publishes them to
 * storefront.behavior. A session of its own, not the group commit: that appends only at a known
 * version, and reading each visitor's version first would cost a round trip this append does not need. The storefront's occurredAt travels in the event data, since the envelope's
 * occurredAt is the time of the append.
 */
@Injectable()
export class TrackHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly limiter: RateLimiter,
    private readonly clock: AnalyticsClock,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {}

  async execute(
    events: TrackEventDto[],
    caller: TrackCaller,
    context: EventContext,
  ): Promise<{ accepted: number; ids: string[] }> {
    const now = this.clock.now();
    const decided = events.map((event, index) => this.decide(event, index, events.length > 1, caller, now));

    const perVisitor = new Map<string, number>();
    for (const e of events) perVisitor.set(e.visitorId, (perVisitor.get(e.visitorId) ?? 0) + 1);
    const { track } = this.settings;
    await this.limiter.charge(
      [
        { key: `ip:${caller.ip}`, limit: track.perIp, cost: events.length },
        ...[...perVisitor].map(([visitorId, cost]) => ({
          key: `visitor:${visitorId}`,
          limit: track.perVisitor,
          cost,
        })),
      ],
      track.windowMs,
      now.getTime(),
    );

    const streams = new Map<string, DomainEvent[]>();
    decided.forEach((event, i) => {
      const list = streams.get(events[i].visitorId) ?? [];
      list.push(event);
      streams.set(events[i].visitorId, list);
    });
    const recorded = await this.runtime.commands.run((session) =>
      session.append(
        [...streams].map(([visitorId, list]) => ({
          aggregateType: 'Visitor',
          aggregateId: visitorId,
          expectedVersion: 'any' as const,
          events: list,
        })),
        context,
      ),
    );

    // The store returns streams in its lock order: give the ids back in request order.
    const byVisitor = new Map<string, string[]>();
    for (const r of recorded) byVisitor.set(r.aggregateId, [...(byVisitor.get(r.aggregateId) ?? []), r.id]);
    const taken = new Map<string, number>();
    const ids = events.map((e) => {
      const k = taken.get(e.visitorId) ?? 0;
      taken.set(e.visitorId, k + 1);
      return byVisitor.get(e.visitorId)![k];
    });
    return { accepted: ids.length, ids };
  }

  private decide(
    event: TrackEventDto,
    index: number,
    batch: boolean,
    caller: TrackCaller,
    now: Date,
  ): DomainEvent {
    const field = (name: string) => (batch ? `events.${index}.${name}` : name);
    let occurredAt = now;
    if (event.occurredAt !== undefined) {
      occurredAt = new Date(event.occurredAt);
      const { maxFutureSkewMs, maxAgeMs } = this.settings.track;
      if (occurredAt.getTime() > now.getTime() + maxFutureSkewMs) {
        throw new InvalidCommandError(
          `${field('occurredAt')} is in the future (more than ${maxFutureSkewMs} ms ahead)`,
        );
      }
      if (occurredAt.getTime() < now.getTime() - maxAgeMs) {
        throw new InvalidCommandError(`${field('occurredAt')} is older than ${maxAgeMs / 86_400_000} days`);
      }
    }
    // A signed-in customer tracks for themselves; back office may send for anyone (e.g. imports).
    if (
      caller.member &&
      event.memberId &&
      event.memberId !== caller.member.id &&
      !hasRole(caller.member, 'operator')
    ) {
      throw new ForbiddenError(`${field('memberId')} must be the signed-in member`);
    }
    const memberId = event.memberId ?? caller.member?.id ?? null;
    const data: Record<string, unknown> = {
      visitorId: event.visitorId,
      memberId,
      channel: event.channel ?? null,
      occurredAt: occurredAt.toISOString(),
    };
    if (event.type === 'product_view') data.sku = event.sku;
    if (event.type === 'search') data.query = event.query;
    // Only when there is an assignment: an event without the field is one that older readers accept.
    if (event.experiments && Object.keys(event.experiments).length > 0)
      data.experiments = { ...event.experiments };
    return { type: EVENT_TYPE[event.type], data };
  }
}
