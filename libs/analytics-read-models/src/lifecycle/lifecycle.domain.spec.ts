import fc from 'fast-check';
import {
  addCalendarMonths,
  cohortRetention,
  isCalendarMonth,
  LifecycleStage,
  medianOf,
  memberLifecycles,
  calendarMonthsBetween,
  repurchaseByCategory,
  lifecycleStageCounts,
  lifecycleStageOf,
} from './lifecycle.domain';
import {
  AS_OF,
  cohortScenario,
  EXPECTED_COHORTS,
  EXPECTED_REPURCHASE,
  EXPECTED_STAGES,
  lifecycleScenario,
  repurchaseScenario,
  T,
} from './lifecycle.fixtures';

describe('lifecycle stages', () => {
  it('puts each member in the stage worked out by hand, boundaries included', () => {
    const members = memberLifecycles(lifecycleScenario(), AS_OF, T);
    expect(Object.fromEntries(members.map((m) => [m.memberId, m.stage]))).toEqual(EXPECTED_STAGES);
    expect(members.find((m) => m.memberId === 'E')).toEqual({
      memberId: 'E',
      stage: 'active',
      orders: 2,
      firstPaidDay: '2025-12-01',
      lastPaidDay: '2026-01-09',
      recencyDays: 60,
    });
    expect(members.find((m) => m.memberId === 'L')).toMatchObject({ orders: 1, recencyDays: 282 });
  });

  it('counts members per stage with shares of all staged members', () => {
    const counts = new Map<LifecycleStage, number>();
    for (const m of memberLifecycles(lifecycleScenario(), AS_OF, T))
      counts.set(m.stage, (counts.get(m.stage) ?? 0) + 1);
    expect(lifecycleStageCounts(counts).map((c) => [c.stage, c.members, c.share])).toEqual([
      ['new', 3, 0.25],
      ['active', 3, 0.25],
      ['at_risk', 2, 0.1667],
      ['sleeping', 2, 0.1667],
      ['lost', 2, 0.1667],
    ]);
    expect(lifecycleStageCounts(new Map()).every((c) => c.members === 0 && c.share === null)).toBe(true);
  });

  it('follows the thresholds: a one-order member is new only within NEW_DAYS', () => {
    expect(lifecycleStageOf(1, '2026-03-10', AS_OF, T)).toBe('new');
    expect(lifecycleStageOf(2, '2026-03-10', AS_OF, T)).toBe('active');
    expect(lifecycleStageOf(1, '2026-03-10', AS_OF, { ...T, newDays: 0 })).toBe('new');
    expect(lifecycleStageOf(1, '2026-03-09', AS_OF, { ...T, newDays: 0 })).toBe('active');
    expect(lifecycleStageOf(3, '2026-01-08', AS_OF, { ...T, activeDays: 61 })).toBe('active');
  });

  it('never moves a member to an earlier stage as the as-of day advances without new orders', () => {
    const order = ['new', 'active', 'at_risk', 'sleeping', 'lost'];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 400 }), (orders, days) => {
        const before = lifecycleStageOf(orders, '2026-01-01', '2026-01-01', T);
        const later = lifecycleStageOf(orders, '2026-01-01', addDay('2026-01-01', days), T);
        return order.indexOf(later) >= order.indexOf(before);
      }),
    );
  });
});

function addDay(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}

describe('repurchase per category', () => {
  it('gives the rates and median days worked out by hand', () => {
    expect(repurchaseByCategory(repurchaseScenario(), '2026-03-01', '2026-03-31')).toEqual(
      EXPECTED_REPURCHASE,
    );
  });

  it('is the same in any order of the facts', () => {
    const facts = repurchaseScenario();
    fc.assert(
      fc.property(
        fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }),
        (shuffled) => {
          expect(repurchaseByCategory(shuffled, '2026-03-01', '2026-03-31')).toEqual(EXPECTED_REPURCHASE);
        },
      ),
    );
  });

  it('takes the median of an odd and an even count, and none of nothing', () => {
    expect(medianOf([5, 1, 3])).toBe(3);
    expect(medianOf([4, 1, 3, 10])).toBe(3.5);
    expect(medianOf([])).toBeNull();
  });
});

describe('monthly cohort retention', () => {
  it('gives the cohorts worked out by hand', () => {
    expect(cohortRetention(cohortScenario(), '2025-12', '2026-02', AS_OF, 12)).toEqual(EXPECTED_COHORTS);
  });

  it('stops at the horizon', () => {
    const [december] = cohortRetention(cohortScenario(), '2025-12', '2025-12', AS_OF, 2);
    expect(december.retention.map((r) => r.k)).toEqual([1, 2]);
  });

  it('does months arithmetic across years', () => {
    expect(addCalendarMonths('2025-12', 1)).toBe('2026-01');
    expect(addCalendarMonths('2026-01', -13)).toBe('2024-12');
    expect(calendarMonthsBetween('2025-11', '2026-03')).toBe(4);
    expect(isCalendarMonth('2026-12')).toBe(true);
    expect(isCalendarMonth('2026-13')).toBe(false);
    expect(isCalendarMonth('2026-00')).toBe(false);
    expect(isCalendarMonth('2026-1')).toBe(false);
  });
});
