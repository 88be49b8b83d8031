import type { LifecycleStage, LifecycleThresholds, LifecycleOrderFact } from './lifecycle.domain';

/** Hand-worked scenarios shared by the domain spec and the queries' integration spec. */

export const T: LifecycleThresholds = { newDays: 30, activeDays: 60, sleepingDays: 90, lostDays: 180 };
export const AS_OF = '2026-03-10';

let seq = 0;
/** A paid order on a day (noon +08:00 unless a time is given), optionally refunded and with categories. */
export function order(
  memberId: string,
  day: string,
  options: { refunded?: number; amount?: number; categories?: string[]; time?: string } = {},
): LifecycleOrderFact {
  const amount = options.amount ?? 1000;
  return {
    orderId: `o${String(++seq).padStart(4, '0')}`,
    memberId,
    day,
    paidAt: new Date(`${day}T${options.time ?? '12:00'}:00+08:00`).toISOString(),
    amount,
    refunded: options.refunded ?? 0,
    categories: options.categories ?? [],
  };
}

/**
 * Lifecycle as of 2026-03-10, thresholds 30 / 60 / 90 / 180 days (recency in calendar days):
 *  A 03-01 (9, one order) new; B 02-08 (30, one order) new: the boundary is included;
 *  C 02-07 (31, one order) active; D 03-05 + 03-09 (1, two orders) active;
 *  E 2025-12-01 + 01-09 (60) active: the boundary; F 01-08 (61) at_risk; G 2025-12-10 (90) at_risk;
 *  H 2025-12-09 (91) sleeping; I 2025-09-11 (180) sleeping; J 2025-09-10 (181) lost;
 *  K only 03-08 refunded in full: no stage; L 2025-06-01 + 03-09 refunded in full: lost (282 days);
 *  M 03-02 refunded 999 of 1000 (not in full): new; N only 03-11, after the as-of day: no stage.
 */
export function lifecycleScenario(): LifecycleOrderFact[] {
  return [
    order('A', '2026-03-01'),
    order('B', '2026-02-08'),
    order('C', '2026-02-07'),
    order('D', '2026-03-05'),
    order('D', '2026-03-09'),
    order('E', '2025-12-01'),
    order('E', '2026-01-09'),
    order('F', '2026-01-08'),
    order('G', '2025-12-10'),
    order('H', '2025-12-09'),
    order('I', '2025-09-11'),
    order('J', '2025-09-10'),
    order('K', '2026-03-08', { refunded: 1000 }),
    order('L', '2025-06-01'),
    order('L', '2026-03-09', { refunded: 1000 }),
    order('M', '2026-03-02', { refunded: 999 }),
    order('N', '2026-03-11'),
  ];
}

/**
 * Repurchase over 2026-03-01..03-31:
 *  P1: 03-01 10:00 [tea, cups], 03-04 09:00 [tea], 03-04 18:00 [tea], 03-20 [cups]: tea gaps 3, 0; cups gap 19
 *  P2: 02-27 [tea] (before the range), 03-02 [tea], 03-12 [tea] refunded in full: one tea order
 *  P3: 03-05 [cups, cups] (one order, counted once), 03-15 [tea, cups] half refunded: cups gap 10; tea once
 *  P4: 03-31 [tea], 04-01 [tea] (after the range): one tea order
 *  P5: 03-06 with no known category: in no category
 * tea: buyers P1-P4 = 4, repurchasers P1 = 1 (0.25), gaps 3, 0 -> median 1.5
 * cups: buyers P1, P3 = 2, both repurchase (1), gaps 19, 10 -> median 14.5
 */
export function repurchaseScenario(): LifecycleOrderFact[] {
  return [
    order('P1', '2026-03-01', { categories: ['tea', 'cups'], time: '10:00' }),
    order('P1', '2026-03-04', { categories: ['tea'], time: '18:00' }),
    order('P1', '2026-03-04', { categories: ['tea'], time: '09:00' }),
    order('P1', '2026-03-20', { categories: ['cups'] }),
    order('P2', '2026-02-27', { categories: ['tea'] }),
    order('P2', '2026-03-02', { categories: ['tea'] }),
    order('P2', '2026-03-12', { categories: ['tea'], refunded: 1000 }),
    order('P3', '2026-03-05', { categories: ['cups', 'cups'] }),
    order('P3', '2026-03-15', { categories: ['tea', 'cups'], refunded: 500 }),
    order('P4', '2026-03-31', { categories: ['tea'] }),
    order('P4', '2026-04-01', { categories: ['tea'] }),
    order('P5', '2026-03-06', { categories: [] }),
  ];
}

/**
 * Cohorts 2025-12..2026-02 as of 2026-03-10:
 *  Q1: 2025-12-05, 2026-01-20, 2026-03-01 -> Dec; paid again in Jan (k1) and Mar (k3)
 *  Q2: 2025-12-31 twice, 2026-02-01 -> Dec; Feb (k2)
 *  Q3: 2025-11-30 refunded in full, 2025-12-15, 2026-01-02 -> Dec (the refunded order is no first order); Jan
 *  Q4: 2026-01-10, 2026-03-09 -> Jan; Mar (k2)
 *  Q5: 2025-11-10, 2025-12-10 -> Nov, outside the months asked for
 *  Q6: 2026-03-11 only, after the as-of day: in no cohort
 * Dec: 3 members; Jan 2 (0.6667), Feb 1 (0.3333), Mar 1 (0.3333, still running).
 * Jan: 1 member; Feb 0 (0), Mar 1 (1, running). Feb: no member; Mar 0 (null, running).
 */
export function cohortScenario(): LifecycleOrderFact[] {
  return [
    order('Q1', '2025-12-05'),
    order('Q1', '2026-01-20'),
    order('Q1', '2026-03-01'),
    order('Q2', '2025-12-31'),
    order('Q2', '2025-12-31', { time: '23:00' }),
    order('Q2', '2026-02-01'),
    order('Q3', '2025-11-30', { refunded: 1000 }),
    order('Q3', '2025-12-15'),
    order('Q3', '2026-01-02'),
    order('Q4', '2026-01-10'),
    order('Q4', '2026-03-09'),
    order('Q5', '2025-11-10'),
    order('Q5', '2025-12-10'),
    order('Q6', '2026-03-11'),
  ];
}

export const EXPECTED_STAGES: Record<string, LifecycleStage> = {
  A: 'new',
  B: 'new',
  C: 'active',
  D: 'active',
  E: 'active',
  F: 'at_risk',
  G: 'at_risk',
  H: 'sleeping',
  I: 'sleeping',
  J: 'lost',
  L: 'lost',
  M: 'new',
};

export const EXPECTED_REPURCHASE = [
  {
    categoryId: 'cups',
    buyers: 2,
    repurchasers: 2,
    repurchaseRate: 1,
    intervals: 2,
    medianDaysBetween: 14.5,
  },
  {
    categoryId: 'tea',
    buyers: 4,
    repurchasers: 1,
    repurchaseRate: 0.25,
    intervals: 2,
    medianDaysBetween: 1.5,
  },
];

export const EXPECTED_COHORTS = [
  {
    month: '2025-12',
    members: 3,
    retention: [
      { k: 1, month: '2026-01', members: 2, share: 0.6667, complete: true },
      { k: 2, month: '2026-02', members: 1, share: 0.3333, complete: true },
      { k: 3, month: '2026-03', members: 1, share: 0.3333, complete: false },
    ],
  },
  {
    month: '2026-01',
    members: 1,
    retention: [
      { k: 1, month: '2026-02', members: 0, share: 0, complete: true },
      { k: 2, month: '2026-03', members: 1, share: 1, complete: false },
    ],
  },
  {
    month: '2026-02',
    members: 0,
    retention: [{ k: 1, month: '2026-03', members: 0, share: null, complete: false }],
  },
];
