/**
 * RFM (docs/contract.md section 6, docs/analytics.md), pure. Raw values per member with at least one paid order:
 *  - recencyDays: calendar days (ANALYTICS_TZ) from the last paid order to the as-of day;
 *  - frequency: orders paid in the window (paid 0..windowDays-1 days before the as-of day);
 *  - monetary: amount paid on those orders minus what was refunded on them (minor units).
 *
 * Quintile scores (1-5) over all scored members, tie-consistent and exact (integer arithmetic):
 *  score(v) = ceil(5 * k / n), where n is the number of members and k the number of members whose
 *  value is as good as v or worse (v included). For frequency and monetary, higher is better, so
 *  k = #{value <= v}; for recency, more recent is better, so k = #{recencyDays >= v}.
 * The best value always scores 5, equal values always score the same, and with n >= 5 distinct
 * values spread evenly each score holds a fifth of the members. This equals PostgreSQL's
 * ceil(5 * cume_dist()) without floating point.
 */

export const RFM_SEGMENTS = [
  { code: 'champions', name: 'Champions', rule: 'r=5, f=4-5' },
  { code: 'loyal_customers', name: 'Loyal Customers', rule: 'r=3-4, f=4-5' },
  { code: 'potential_loyalists', name: 'Potential Loyalists', rule: 'r=4-5, f=2-3' },
  { code: 'new_customers', name: 'New Customers', rule: 'r=5, f=1' },
  { code: 'promising', name: 'Promising', rule: 'r=4, f=1' },
  { code: 'need_attention', name: 'Need Attention', rule: 'r=3, f=3' },
  { code: 'about_to_sleep', name: 'About to Sleep', rule: 'r=3, f=1-2' },
  { code: 'at_risk', name: 'At Risk', rule: 'r=1-2, f=3-4' },
  { code: 'cant_lose_them', name: "Can't Lose Them", rule: 'r=1-2, f=5' },
  { code: 'hibernating', name: 'Hibernating', rule: 'r=1-2, f=1-2' },
] as const;

export type RfmSegmentCode = (typeof RFM_SEGMENTS)[number]['code'];
export type RfmSegmentName = (typeof RFM_SEGMENTS)[number]['name'];

export type Score = 1 | 2 | 3 | 4 | 5;

function segment(code: RfmSegmentCode) {
  return RFM_SEGMENTS.find((s) => s.code === code)!;
}

/** The segment of an r and f score, by the table of docs/contract.md section 6 (it covers all 25 pairs once). */
export function segmentOf(r: number, f: number): (typeof RFM_SEGMENTS)[number] {
  if (!Number.isInteger(r) || !Number.isInteger(f) || r < 1 || r > 5 || f < 1 || f > 5) {
    throw new RangeError(`r and f must be scores 1-5, got r=${r} f=${f}`);
  }
  if (r === 5 && f >= 4) return segment('champions');
  if ((r === 3 || r === 4) && f >= 4) return segment('loyal_customers');
  if (r >= 4 && (f === 2 || f === 3)) return segment('potential_loyalists');
  if (r === 5 && f === 1) return segment('new_customers');
  if (r === 4 && f === 1) return segment('promising');
  if (r === 3 && f === 3) return segment('need_attention');
  if (r === 3 && f <= 2) return segment('about_to_sleep');
  if (r <= 2 && (f === 3 || f === 4)) return segment('at_risk');
  if (r <= 2 && f === 5) return segment('cant_lose_them');
  return segment('hibernating');
}

/** A segment named by its code ('at_risk') or its name ("At Risk"), case-insensitively; undefined if none. */
export function findSegment(codeOrName: string): (typeof RFM_SEGMENTS)[number] | undefined {
  const wanted = codeOrName.trim().toLowerCase();
  return RFM_SEGMENTS.find((s) => s.code === wanted || s.name.toLowerCase() === wanted);
}

/**
 * Quintile scores of `values` (same order as given): ceil(5 * k / n) with k = how many values are as
 * good or worse. `higherIsBetter` false is for recency (fewer days is better).
 */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): Score[] {
  const n = values.length;
  if (n === 0) return [];
  // Map every value to "goodness" so that larger is better, then count values <= each one.
  const goodness = values.map((v) => (higherIsBetter ? v : -v));
  const sorted = [...goodness].sort((a, b) => a - b);
  const countAtMost = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return goodness.map((g) => Math.floor((5 * countAtMost(g) + n - 1) / n) as Score);
}

export interface RfmRaw {
  memberId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export interface RfmScored extends RfmRaw {
  r: Score;
  f: Score;
  m: Score;
  segment: RfmSegmentName;
  segmentCode: RfmSegmentCode;
  sleeping: boolean;
}

/** Scores every member against all the others and assigns segments; `sleeping` = recencyDays > sleepingDays. */
export function scoreRfm(members: readonly RfmRaw[], sleepingDays: number): RfmScored[] {
  const r = quintileScores(
    members.map((m) => m.recencyDays),
    false,
  );
  const f = quintileScores(
    members.map((m) => m.frequency),
    true,
  );
  const m = quintileScores(
    members.map((x) => x.monetary),
    true,
  );
  return members.map((member, i) => {
    const seg = segmentOf(r[i], f[i]);
    return {
      ...member,
      r: r[i],
      f: f[i],
      m: m[i],
      segment: seg.name,
      segmentCode: seg.code,
      sleeping: member.recencyDays > sleepingDays,
    };
  });
}
