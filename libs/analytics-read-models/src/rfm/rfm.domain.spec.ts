import fc from 'fast-check';
import { findSegment, quintileScores, RFM_SEGMENTS, scoreRfm, segmentOf } from './rfm.domain';

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

describe('quintile scores', () => {
  it('are ceil(5k/n) with k = values as good or worse', () => {
    // n = 5 distinct values: one per quintile.
    expect(quintileScores([10, 20, 30, 40, 50], true)).toEqual([1, 2, 3, 4, 5]);
    // Recency: fewer days is better.
    expect(quintileScores([10, 20, 30, 40, 50], false)).toEqual([5, 4, 3, 2, 1]);
    // n = 2: k=1 -> ceil(2.5)=3, k=2 -> 5.
    expect(quintileScores([7, 3], true)).toEqual([5, 3]);
    // Ties share the score of their group: [1,1,1,2] -> k=3,3,3,4 of n=4 -> ceil(15/4)=4, ceil(20/4)=5.
    expect(quintileScores([1, 1, 2, 1], true)).toEqual([4, 4, 5, 4]);
    expect(quintileScores([4], true)).toEqual([5]);
    expect(quintileScores([], true)).toEqual([]);
  });

  it('are 1-5, give the best value 5, equal values equal scores, and never rank a better value lower', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        (values, higher) => {
          const scores = quintileScores(values, higher);
          const best = higher ? Math.max(...values) : Math.min(...values);
          values.forEach((v, i) => {
            expect(scores[i]).toBeGreaterThanOrEqual(1);
            expect(scores[i]).toBeLessThanOrEqual(5);
            if (v === best) expect(scores[i]).toBe(5);
            values.forEach((w, j) => {
              const better = higher ? v > w : v < w;
              if (v === w) expect(scores[i]).toBe(scores[j]);
              if (better) expect(scores[i]).toBeGreaterThanOrEqual(scores[j]);
            });
          });
        },
      ),
    );
  });

  it('put a fifth of the members in each score when values are distinct and n is a multiple of 5', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer(), { minLength: 5, maxLength: 50 }).filter((a) => a.length % 5 === 0),
        (values) => {
          const scores = quintileScores(values, true);
          for (const s of [1, 2, 3, 4, 5])
            expect(scores.filter((x) => x === s)).toHaveLength(values.length / 5);
        },
      ),
    );
  });
});

describe('scoreRfm', () => {
  it('scores, segments and flags sleeping members', () => {
    const scored = scoreRfm(
      [
        { memberId: 'a', recencyDays: 1, frequency: 9, monetary: 900 },
        { memberId: 'b', recencyDays: 200, frequency: 1, monetary: 10 },
      ],
      90,
    );
    expect(scored).toEqual([
      {
        memberId: 'a',
        recencyDays: 1,
        frequency: 9,
        monetary: 900,
        r: 5,
        f: 5,
        m: 5,
        segment: 'Champions',
        segmentCode: 'champions',
        sleeping: false,
      },
      {
        memberId: 'b',
        recencyDays: 200,
        frequency: 1,
        monetary: 10,
        r: 3,
        f: 3,
        m: 3,
        segment: 'Need Attention',
        segmentCode: 'need_attention',
        sleeping: true,
      },
    ]);
  });
});
