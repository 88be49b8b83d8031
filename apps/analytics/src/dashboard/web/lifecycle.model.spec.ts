import type { RetentionCohort } from '@ecom/analytics-read-models';
import { cohortHeatmap, hasCohortMembers } from './lifecycle.model';

const cohort = (month: string, members: number, shares: (number | null)[], asOfK = 0): RetentionCohort => ({
  month,
  members,
  retention: shares.map((share, i) => ({
    k: i + 1,
    month: `m${i + 1}`,
    members: share === null ? 0 : Math.round(share * members),
    share,
    complete: i + 1 !== asOfK,
  })),
});

describe('cohort retention heatmap data', () => {
  it('places each share at (months since the first order - 1, cohort row) in percent, the running month marked', () => {
    // 2026-01: 4 members, 1 paid again in February (25 %), 3 in March (75 %, March still running);
    // 2026-02: nobody started; 2026-03: 3 members, no month after yet.
    const heatmap = cohortHeatmap([
      cohort('2026-01', 4, [0.25, 0.75], 2),
      cohort('2026-02', 0, [null]),
      cohort('2026-03', 3, []),
    ]);
    expect(heatmap.months).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(heatmap.offsets).toEqual([1, 2]);
    expect(heatmap.cells).toEqual([
      [0, 0, 25, false],
      [1, 0, 75, true],
    ]);
  });

  it('rounds shares to one decimal of a percent (1 of 3 = 33.3 %)', () => {
    expect(cohortHeatmap([cohort('2025-11', 3, [1 / 3])]).cells).toEqual([[0, 0, 33.3, false]]);
  });

  it('has nothing to draw without a member in any cohort', () => {
    expect(hasCohortMembers([cohort('2026-01', 0, [null, null])])).toBe(false);
    expect(hasCohortMembers([cohort('2026-01', 0, []), cohort('2026-02', 1, [])])).toBe(true);
    expect(cohortHeatmap([]).offsets).toEqual([]);
  });
});
