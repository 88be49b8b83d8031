import type { SqlExecutor } from '@ecom/event-sourcing';
import { dayRange } from '../time';
import { funnelDayRows } from './funnel-aggregate';
import { funnelSteps, FunnelStepView } from './funnel.domain';

export interface FunnelView {
  from: string;
  to: string;
  channel: string | null;
  /** Visitor-days: a visitor counts once per day they went through the steps. */
  steps: FunnelStepView[];
  days: { day: string; steps: FunnelStepView[] }[];
  /** The same funnel per first-touch channel (null: visitors whose events that day carried no channel). */
  channels: { channel: string | null; steps: FunnelStepView[] }[];
}

/**
 * The funnel over the visitor events (an_visitor_events), read from their pre-aggregation per day and
 * first-touch channel, which is derived from the facts (so independent of the order events arrived
 * in); the API caches the answers for a few seconds.
 */
export class FunnelQueries {
  constructor(private readonly sql: SqlExecutor) {}

  async funnel(options: { from: string; to: string; channel?: string }): Promise<FunnelView> {
    // Per day and first-touch channel: visitor-days that reached each step (s1..s5), from the
    // pre-aggregation (funnel-aggregate.ts), a few rows per day whatever the traffic.
    const rows = await funnelDayRows(this.sql, options);
    const counts = (r: (typeof rows)[number]) => [r.s1, r.s2, r.s3, r.s4, r.s5];
    const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i]);
    const zero = () => [0, 0, 0, 0, 0];
    const selected = rows.filter((r) => options.channel === undefined || r.channel === options.channel);

    const total = selected.reduce((acc, r) => add(acc, counts(r)), zero());
    const perDay = new Map<string, number[]>();
    for (const r of selected) perDay.set(r.day, add(perDay.get(r.day) ?? zero(), counts(r)));
    const perChannel = new Map<string | null, number[]>();
    for (const r of selected) perChannel.set(r.channel, add(perChannel.get(r.channel) ?? zero(), counts(r)));

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
