import type { SqlExecutor } from '@ecom/event-sourcing';
import { dayRange } from '../time';
import { funnelSums } from './funnel-aggregate';
import { funnelSteps, FunnelStepView } from './funnel.domain';

export interface FunnelDayView {
  day: string;
  steps: FunnelStepView[];
}

export interface FunnelChannelView {
  /** The first-touch channel; null: visitors whose events that day carried no channel. */
  channel: string | null;
  steps: FunnelStepView[];
}

export interface FunnelView {
  from: string;
  to: string;
  channel: string | null;
  /** Visitor-days: a visitor counts once per day they went through the steps. */
  steps: FunnelStepView[];
  days: FunnelDayView[];
  /** The same funnel per first-touch channel. */
  channels: FunnelChannelView[];
}

/**
 * The funnel over the visitor events (an_visitor_events), read from their pre-aggregation per day and
 * first-touch channel, which is derived from the facts (so independent of the order events arrived
 * in); the API caches the answers for a few seconds.
 */
export class FunnelQueries {
  constructor(private readonly sql: SqlExecutor) {}

  async funnel(options: { from: string; to: string; channel?: string }): Promise<FunnelView> {
    // Visitor-days that reached each step (s1..s5) summed per day and per first-touch channel, from
    // the pre-aggregation (funnel-aggregate.ts): a few hundred rows whatever the traffic.
    const rows = await funnelSums(this.sql, options);
    const counts = (r: (typeof rows)[number]) => [r.s1, r.s2, r.s3, r.s4, r.s5];
    const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i]);
    const zero = () => [0, 0, 0, 0, 0];
    const perDay = new Map<string, number[]>();
    const perChannel = new Map<string | null, number[]>();
    let total = zero();
    for (const r of rows) {
      if (r.perChannel) {
        perChannel.set(r.channel, counts(r));
      } else {
        perDay.set(r.day!, counts(r));
        total = add(total, counts(r));
      }
    }

    return {
      from: options.from,
      to: options.to,
      channel: options.channel ?? null,
      steps: funnelSteps(total),
      days: dayRange(options.from, options.to).map((day) => ({
        day,
        steps: funnelSteps(perDay.get(day) ?? zero()),
      })),
      channels: [...perChannel.entries()]
        .sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff'))
        .map(([channel, c]) => ({ channel, steps: funnelSteps(c) })),
    };
  }
}
