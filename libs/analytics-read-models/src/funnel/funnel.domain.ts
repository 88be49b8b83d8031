/**
 * The purchase funnel (docs/analytics.md), pure parts. Steps in order, with the behaviour step
 * recorded by the projector for each (an_visitor_events.step). A visitor counts for a step on a day
 * when they reached every earlier step that day, each at or after the previous one: the earliest
 * visit, then the earliest product view at or after it, then the earliest add-to-cart at or after
 * that, and so on (taking the earliest qualifying event at each step finds a chain whenever one exists).
 */
export const FUNNEL_STEPS = [
  { name: 'visit', step: 'page_view' },
  { name: 'product_view', step: 'product_view' },
  { name: 'add_to_cart', step: 'add_to_cart' },
  { name: 'order_placed', step: 'order_placed' },
  { name: 'order_paid', step: 'order_paid' },
] as const;

export type FunnelStepName = (typeof FUNNEL_STEPS)[number]['name'];

export interface FunnelStepView {
  name: FunnelStepName;
  visitors: number;
  /** visitors / visitors of the previous step (1 for the first step); null when the denominator is 0. */
  conversionFromPrevious: number | null;
  /** visitors / visitors of the first step; null when no one visited. */
  conversionFromStart: number | null;
}

/** A ratio rounded to 4 decimals, or null when the denominator is 0. */
export function ratio(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return Math.round((numerator / denominator) * 10_000) / 10_000;
}

/** Funnel steps with their conversions from counts per step (in FUNNEL_STEPS order). */
export function funnelSteps(counts: readonly number[]): FunnelStepView[] {
  return FUNNEL_STEPS.map((step, i) => ({
    name: step.name,
    visitors: counts[i] ?? 0,
    conversionFromPrevious:
      i === 0 ? ratio(counts[0] ?? 0, counts[0] ?? 0) : ratio(counts[i] ?? 0, counts[i - 1] ?? 0),
    conversionFromStart: ratio(counts[i] ?? 0, counts[0] ?? 0),
  }));
}
