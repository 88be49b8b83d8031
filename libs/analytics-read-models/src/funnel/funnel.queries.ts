import type { SqlExecutor } from '@ecom/event-sourcing';
import { dayRange } from '../time';
import { FUNNEL_STEPS, funnelSteps, FunnelStepView } from './funnel.domain';

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
 * The funnel over the visitor events (an_visitor_events), derived at read time from the facts, which
 * is what makes it independent of the order events arrived in; the API caches the answers for a few seconds.
 */
export class FunnelQueries {
  constructor(private readonly sql: SqlExecutor) {}

  async funnel(options: { from: string; to: string; channel?: string }): Promise<FunnelView> {
    const stepOf = (i: number) => FUNNEL_STEPS[i].step;
    // s1..s5: per day and visitor, the time the visitor reached each step in order (NULL: not reached).
    const rows: {
      day: string;
      channel: string | null;
      s1: number;
      s2: number;
      s3: number;
      s4: number;
      s5: number;
    }[] = await this.sql.query(
      `WITH ev AS (
           SELECT day, visitor_id, step, occurred_at FROM an_visitor_events
            WHERE day BETWEEN $1::date AND $2::date AND step = ANY($3::text[])
         ), touch AS (
           SELECT DISTINCT ON (day, visitor_id) day, visitor_id, channel FROM an_visitor_events
            WHERE day BETWEEN $1::date AND $2::date AND channel IS NOT NULL
            ORDER BY day, visitor_id, occurred_at, event_id
         ), s1 AS (
           SELECT day, visitor_id, min(occurred_at) AS t FROM ev WHERE step = $4 GROUP BY day, visitor_id
         ), s2 AS (
           SELECT s.day, s.visitor_id, min(e.occurred_at) AS t FROM s1 s
             JOIN ev e ON e.day = s.day AND e.visitor_id = s.visitor_id AND e.step = $5 AND e.occurred_at >= s.t
            GROUP BY s.day, s.visitor_id
         ), s3 AS (
           SELECT s.day, s.visitor_id, min(e.occurred_at) AS t FROM s2 s
             JOIN ev e ON e.day = s.day AND e.visitor_id = s.visitor_id AND e.step = $6 AND e.occurred_at >= s.t
            GROUP BY s.day, s.visitor_id
         ), s4 AS (
           SELECT s.day, s.visitor_id, min(e.occurred_at) AS t FROM s3 s
             JOIN ev e ON e.day = s.day AND e.visitor_id = s.visitor_id AND e.step = $7 AND e.occurred_at >= s.t
            GROUP BY s.day, s.visitor_id
         ), s5 AS (
           SELECT s.day, s.visitor_id, min(e.occurred_at) AS t FROM s4 s
             JOIN ev e ON e.day = s.day AND e.visitor_id = s.visitor_id AND e.step = $8 AND e.occurred_at >= s.t
            GROUP BY s.day, s.visitor_id
         )
         SELECT s1.day::text AS day, touch.channel,
                count(*)::int AS s1, count(s2.t)::int AS s2, count(s3.t)::int AS s3,
                count(s4.t)::int AS s4, count(s5.t)::int AS s5
           FROM s1
           LEFT JOIN s2 USING (day, visitor_id)
           LEFT JOIN s3 USING (day, visitor_id)
           LEFT JOIN s4 USING (day, visitor_id)
           LEFT JOIN s5 USING (day, visitor_id)
           LEFT JOIN touch USING (day, visitor_id)
          GROUP BY s1.day, touch.channel`,
      [
        options.from,
        options.to,
        FUNNEL_STEPS.map((s) => s.step),
        stepOf(0),
        stepOf(1),
        stepOf(2),
        stepOf(3),
        stepOf(4),
      ],
    );
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
