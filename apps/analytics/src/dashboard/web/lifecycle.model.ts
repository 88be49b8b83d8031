import type { RetentionCohort } from '@ecom/analytics-read-models';

/**
 * The cohort retention heatmap's data, pure: cohort months down, months since the first order
 * across, each cell the share (in percent) of the cohort who paid again in that month. Empty cohorts
 * keep their row (a month without new buyers is a figure too) but have no cells.
 */
export interface CohortHeatmap {
  /** Cohort months, oldest first (the y axis). */
  months: string[];
  /** Months since the first order, 1 .. the longest row (the x axis). */
  offsets: number[];
  /** [offset index, cohort index, share in percent to 1 decimal, still running (the as-of month)]. */
  cells: [number, number, number, boolean][];
}

export function cohortHeatmap(cohorts: readonly RetentionCohort[]): CohortHeatmap {
  const months = cohorts.map((c) => c.month);
  const longest = Math.max(0, ...cohorts.map((c) => c.retention.length));
  const offsets = Array.from({ length: longest }, (_, i) => i + 1);
  const cells: CohortHeatmap['cells'] = [];
  cohorts.forEach((cohort, y) => {
    if (cohort.members === 0) return;
    for (const month of cohort.retention) {
      if (month.share === null) continue;
      cells.push([month.k - 1, y, Math.round(month.share * 1000) / 10, !month.complete]);
    }
  });
  return { months, offsets, cells };
}

/** Whether any cohort has a member: without one there is nothing to draw. */
export function hasCohortMembers(cohorts: readonly RetentionCohort[]): boolean {
  return cohorts.some((c) => c.members > 0);
}
