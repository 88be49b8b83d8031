import fc from 'fast-check';
import {
  bandScores,
  dayNumber,
  findSegment,
  histogramOf,
  quintileCutPoints,
  quintileScores,
  RFM_SEGMENTS,
  RfmRaw,
  rfmCutPoints,
  scoreAgainst,
  scoreMember,
  scoreRfm,
  segmentOf,
} from './rfm.domain';

/** Fixed seed: a failure reproduces on every run. */
const RUNS = { seed: 20260310, numRuns: 200 };

describe('RFM segments', () => {
  it('follow the r/f table of docs/contract.md section 6 for all 25 pairs', () => {
    // Rows r = 5..1, columns f = 1..5, written out from the table.
    const table: Record<number, string[]> = {
      5: ['New Customers', 'Potential Loyalists', 'Potential Loyalists', 'Champions', 'Champions'],
      4: ['Promising', 'Potential Loyalists', 'Potential Loyalists', 'Loyal Customers', 'Loyal Customers'],
      3: ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal Customers', 'Loyal Customers'],
      2: ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
      1: ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose Them"],
    };
    for (const r of [1, 2, 3, 4, 5]) {
      for (const f of [1, 2, 3, 4, 5]) expect([r, f, segmentOf(r, f).name]).toEqual([r, f, table[r][f - 1]]);
    }
    expect(new Set(RFM_SEGMENTS.map((s) => s.code)).size).toBe(10);
  });

  it('are found by code or by name, and refuse scores out of range', () => {
    expect(findSegment('at_risk')?.name).toBe('At Risk');
    expect(findSegment("can't lose them")?.code).toBe('cant_lose_them');
    expect(findSegment('nope')).toBeUndefined();
    expect(() => segmentOf(0, 3)).toThrow(RangeError);
  });
});

describe('quintile scores (tie policy: band of the average rank, best 5, worst 1)', () => {
  it('give each of five distinct values its own score, whichever way is better', () => {
    expect(quintileScores([10, 20, 30, 40, 50], true)).toEqual([1, 2, 3, 4, 5]);
    expect(quintileScores([10, 20, 30, 40, 50], false)).toEqual([5, 4, 3, 2, 1]);
    expect(quintileScores([7, 3], true)).toEqual([5, 1]);
    expect(quintileScores([4], true)).toEqual([5]);
    expect(quintileScores([], true)).toEqual([]);
  });

  it('put a tie group in the band of its average rank, not at the top of its range', () => {
    // n = 10: 1 x 10, 6 x 20, 2 x 30, 1 x 40. The 20s hold ranks 2..7 (below 1, tied 6):
    // floor(5 * (2 + 6) / 20) + 1 = 3; ceil(5 * cume_dist) would have given them ceil(5 * 7/10) = 4.
    // The 30s: below 7, tied 2 -> floor(5 * 16 / 20) + 1 = 5; 10 is the worst (1), 40 the best (5).
    expect(quintileScores([10, 20, 20, 20, 20, 20, 20, 30, 30, 40], true)).toEqual([
      1, 3, 3, 3, 3, 3, 3, 5, 5, 5,
    ]);
    // Everyone equal: nobody is worse than anyone, so all share the best score.
    expect(quintileScores([0, 0, 0], false)).toEqual([5, 5, 5]);
  });

  it('keep the best value at 5 and the worst at 1 however many share them', () => {
    // 90 members bought today (recency 0), 10 a week ago: today is r=5 (ceil(5 * cume_dist) agreed),
    // the week-old ones r=1 (the average rank alone would have given them floor(5 * 10 / 200) + 1 = 1 too).
    const recency = [...Array(90).fill(0), ...Array(10).fill(7)];
    expect(new Set(quintileScores(recency, false).slice(0, 90))).toEqual(new Set([5]));
    // 70 % spent the minimum: average rank alone gives floor(5 * 70 / 200) + 1 = 2; the anchor makes it 1.
    const monetary = [...Array(70).fill(9900), ...Array(30).keys()].map((v) => (v < 1000 ? 20000 + v : v));
    expect(quintileScores(monetary, true).slice(0, 70)).toEqual(Array(70).fill(1));
  });

  it('are 1-5, equal for equal values, never lower for a better value, 5 for the best and 1 for the worst', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 80 }),
        fc.boolean(),
        (values, higher) => {
          const scores = quintileScores(values, higher);
          const best = higher ? Math.max(...values) : Math.min(...values);
          const worst = higher ? Math.min(...values) : Math.max(...values);
          values.forEach((v, i) => {
            expect(scores[i]).toBeGreaterThanOrEqual(1);
            expect(scores[i]).toBeLessThanOrEqual(5);
            if (v === best) expect(scores[i]).toBe(5);
            else if (v === worst) expect(scores[i]).toBe(1);
            values.forEach((w, j) => {
              if (v === w) expect(scores[i]).toBe(scores[j]);
              if (higher ? v > w : v < w) expect(scores[i]).toBeGreaterThanOrEqual(scores[j]);
            });
          });
        },
      ),
      RUNS,
    );
  });

  it('give a value strictly between the extremes the band of its average rank', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 3, maxLength: 80 }), (values) => {
        const scores = quintileScores(values, true);
        const n = values.length;
        const [min, max] = [Math.min(...values), Math.max(...values)];
        values.forEach((v, i) => {
          if (v === min || v === max) return;
          const below = values.filter((w) => w < v).length;
          const tied = values.filter((w) => w === v).length;
          const averageRank = below + tied / 2; // of n, 0-based from the worst
          expect(scores[i]).toBe(Math.floor((5 * averageRank) / n) + 1);
        });
      }),
      RUNS,
    );
  });

  it('put a fifth of the members in each score when values are distinct and n is a multiple of 5', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer(), { minLength: 5, maxLength: 60 }).filter((a) => a.length % 5 === 0),
        (values) => {
          const scores = quintileScores(values, true);
          for (const s of [1, 2, 3, 4, 5])
            expect(scores.filter((x) => x === s)).toHaveLength(values.length / 5);
        },
      ),
      RUNS,
    );
  });
});

describe('cut points', () => {
  it('are the lowest value earning each score 2..5', () => {
    // Scores of 10, 20, 30, 40 (one each, n = 4): 1, floor(5 * 3 / 8) + 1 = 2, floor(5 * 5 / 8) + 1 = 4, 5.
    expect(bandScores(histogramOf([10, 20, 30, 40]))).toEqual([1, 2, 4, 5]);
    // Score 3 was earned by nobody: it starts where 4 does.
    expect(quintileCutPoints(histogramOf([10, 20, 30, 40]))).toEqual([20, 30, 30, 40]);
    expect(quintileCutPoints([])).toBeNull();
    expect(scoreAgainst([20, 30, 30, 40], 25)).toBe(2);
    expect(scoreAgainst([20, 30, 30, 40], 1000)).toBe(5);
    expect(scoreAgainst([20, 30, 30, 40], -1000)).toBe(1);
  });

  it('score every value of the population as the ranking did, and any other value monotonically', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: -40, max: 40 }), { maxLength: 20 }),
        (population, others) => {
          const cuts = quintileCutPoints(histogramOf(population))!;
          const ranked = quintileScores(population, true);
          population.forEach((v, i) => expect(scoreAgainst(cuts, v)).toBe(ranked[i]));
          const all = [...population, ...others].sort((a, b) => a - b);
          for (let i = 1; i < all.length; i++) {
            expect(scoreAgainst(cuts, all[i])).toBeGreaterThanOrEqual(scoreAgainst(cuts, all[i - 1]));
          }
          // Better than everyone scores 5, worse than everyone 1 (unless everyone was equal: then that value is 5).
          expect(scoreAgainst(cuts, Math.max(...population) + 1)).toBe(5);
          if (new Set(population).size > 1) expect(scoreAgainst(cuts, Math.min(...population) - 1)).toBe(1);
        },
      ),
      RUNS,
    );
  });
});

describe('scoreRfm', () => {
  const member = (
    memberId: string,
    lastPaidDay: string,
    recencyDays: number,
    frequency: number,
    monetary: number,
  ): RfmRaw => ({ memberId, lastPaidDay, recencyDays, frequency, monetary });

  it('scores frequency by fixed thresholds: one-time buyers are f=1 whatever their share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 200 }),
        (frequencies, oneTimeBuyers) => {
          const members = [...frequencies, ...Array(oneTimeBuyers).fill(1)].map((frequency, i) =>
            member(`m${i}`, '2026-03-10', 0, frequency, 1000 + i),
          );
          for (const scored of scoreRfm(members, 90)) {
            expect(scored.f).toBe(Math.min(5, Math.max(1, scored.frequency)));
          }
        },
      ),
      RUNS,
    );
  });

  it('keeps segments apart on a day when most members bought for the first time', () => {
    // As of 03-10: 6 one-time buyers today, 2 members with 2 and 3 orders today, 1 with 4 orders
    // today, 1 one-time buyer 40 days ago. Today is the best day (r=5), 40 days the worst (r=1).
    const members = [
      ...['a', 'b', 'c', 'd', 'e', 'f'].map((id) => member(id, '2026-03-10', 0, 1, 5000)),
      member('g', '2026-03-10', 0, 2, 9000),
      member('h', '2026-03-10', 0, 3, 12000),
      member('i', '2026-03-10', 0, 4, 30000),
      member('j', '2026-01-29', 40, 1, 2000),
    ];
    const bySegment = new Map<string, string[]>();
    for (const s of scoreRfm(members, 90))
      bySegment.set(s.segment, [...(bySegment.get(s.segment) ?? []), s.memberId]);
    expect(Object.fromEntries(bySegment)).toEqual({
      'New Customers': ['a', 'b', 'c', 'd', 'e', 'f'],
      'Potential Loyalists': ['g', 'h'],
      Champions: ['i'],
      Hibernating: ['j'],
    });
  });

  it('scores a member against stored cut points as the full ranking scores it', () => {
    const members = [
      member('a', '2026-03-03', 7, 3, 30000),
      member('b', '2026-03-01', 9, 2, 12000),
      member('c', '2025-08-22', 200, 5, 45000),
      member('d', '2025-11-30', 100, 0, 2000),
    ];
    const cuts = rfmCutPoints(members)!;
    const ranked = scoreRfm(members, 90);
    expect(members.map((m) => scoreMember(m, cuts, 90))).toEqual(ranked);
    // Recency is cut on the day of the last payment: the cuts do not move as the days go by.
    expect(cuts.recency.every((d) => d >= dayNumber('2025-08-22') && d <= dayNumber('2026-03-03'))).toBe(
      true,
    );
    expect(ranked.map((s) => [s.memberId, s.r, s.f, s.m, s.segment, s.sleeping])).toEqual([
      // recency 7 best -> 5; 9: below 2, tied 1 -> floor(5 * 5 / 8) + 1 = 4; 100: below 1 -> floor(15 / 8) + 1 = 2; 200 worst -> 1
      ['a', 5, 3, 4, 'Potential Loyalists', false],
      ['b', 4, 2, 2, 'Potential Loyalists', false],
      ['c', 1, 5, 5, "Can't Lose Them", true],
      ['d', 2, 1, 1, 'Hibernating', true],
    ]);
    expect(scoreRfm([], 90)).toEqual([]);
  });
});
