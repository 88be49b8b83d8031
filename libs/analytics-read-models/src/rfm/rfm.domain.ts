import { daysBetween } from '../calendar';

/**
 * RFM (docs/contract.md section 6, docs/analytics.md), pure. Raw values per member with at least one paid order:
 *  - recencyDays: calendar days (ANALYTICS_TZ) from the last paid order to the as-of day;
 *  - frequency: orders paid in the window (paid 0..windowDays-1 days before the as-of day) and not
 *    refunded in full (a cancellation after payment refunds in full);
 *  - monetary: amount paid on the orders of the window minus what was refunded on them (minor units).
 *
 * Scores 1-5 (5 = best). Recency and monetary are quintiles of the members' values with this tie
 * policy: a value scores by the band of its average rank, floor(5 * (below + tied / 2) / n) + 1
 * (below = members with a worse value, tied = members with the same value), except that the best
 * value always scores 5 and the worst value 1 (all equal: 5). Equal values score the same, a better
 * value never scores lower, and distinct values fill each score with a fifth of the members. A large
 * tie group lands where most of its ranks lie instead of at the top of its range (the tie policy of
 * ceil(5 * cume_dist) put everyone who bought today, or every one-time buyer, in one high band); the
 * anchors keep the most recent buyers at r=5 on a day when most members bought.
 *
 * Frequency is a small whole number, so its quintiles would say more about the share of one-time
 * buyers than about the member: f comes from fixed thresholds instead (default 2, 3, 4, 5 orders
 * for f = 2..5; one order is f=1 however many members bought once).
 *
 * Scores are kept as cut points (the lowest value that earns each score 2..5 on a higher-is-better
 * scale; recency on the day of the last payment), so a member whose values change is scored against
 * the cut points of the last full recomputation without ranking everyone again.
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

/** Lowest values (higher is better) that earn scores 2, 3, 4 and 5: score(v) = 1 + #{cut <= v}. */
export type CutPoints = readonly [number, number, number, number];

/** How many members share one value. */
export interface ValueCount {
  value: number;
  count: number;
}

/** One order is f=1, two f=2, three f=3, four f=4, five or more f=5. */
export const DEFAULT_FREQUENCY_THRESHOLDS: CutPoints = [2, 3, 4, 5];

/** The score of a value against cut points (both on a higher-is-better scale). */
export function scoreAgainst(cuts: CutPoints, value: number): Score {
  let score = 1;
  for (const cut of cuts) if (value >= cut) score++;
  return score as Score;
}

/** Members per distinct value, ascending. */
export function histogramOf(values: Iterable<number>): ValueCount[] {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => a.value - b.value);
}

/**
 * The score of each distinct value of a histogram under the tie policy (see the top of this file):
 * the band of its average rank, the best value 5 and the worst 1.
 */
export function bandScores(histogram: readonly ValueCount[]): Score[] {
  const bins = [...histogram].sort((a, b) => a.value - b.value);
  const n = bins.reduce((sum, b) => sum + b.count, 0);
  let below = 0;
  return bins.map((bin, i) => {
    // 5 * (below + tied / 2) / n, in integers: floor(5 * (2 * below + tied) / (2 * n)) + 1.
    let score = Math.floor((5 * (2 * below + bin.count)) / (2 * n)) + 1;
    if (i === 0) score = 1;
    if (i === bins.length - 1) score = 5;
    below += bin.count;
    return score as Score;
  });
}

/**
 * Cut points that reproduce the tie policy's scores for every value of the histogram (higher is
 * better): the lowest value that earned each score 2..5; null without members. A score no value
 * earned starts at the next value that earned a higher one (the best value always earns 5).
 */
export function quintileCutPoints(histogram: readonly ValueCount[]): CutPoints | null {
  const bins = [...histogram].filter((b) => b.count > 0).sort((a, b) => a.value - b.value);
  if (bins.length === 0) return null;
  const scores = bandScores(bins);
  const cut = (s: number) => bins[scores.findIndex((score) => score >= s)].value;
  return [cut(2), cut(3), cut(4), cut(5)];
}

/**
 * Quintile scores of `values` (same order as given) under the tie policy. `higherIsBetter` false is
 * for recency in days (fewer days is better).
 */
export function quintileScores(values: readonly number[], higherIsBetter: boolean): Score[] {
  const goodness = values.map((v) => (higherIsBetter ? v : -v));
  const cuts = quintileCutPoints(histogramOf(goodness));
  return cuts ? goodness.map((g) => scoreAgainst(cuts, g)) : [];
}

/** Thresholds of a score must rise: 2..5 each at least the one before. */
export function isCutPoints(values: readonly number[]): values is CutPoints {
  return values.length === 4 && values.every((v, i) => Number.isFinite(v) && (i === 0 || v >= values[i - 1]));
}

const EPOCH = '1970-01-01';

/** A day as a number that grows with the day (days since 1970-01-01): recency's higher-is-better scale. */
export function dayNumber(day: string): number {
  return daysBetween(EPOCH, day);
}

export interface RfmRaw {
  memberId: string;
  /** The day (ANALYTICS_TZ) of the last paid order. */
  lastPaidDay: string;
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

/** What a member is scored against: recency on the day number of the last payment, the others on their values. */
export interface RfmCutPoints {
  recency: CutPoints;
  frequency: CutPoints;
  monetary: CutPoints;
}

/** The cut points of a population of members; null without members. */
export function rfmCutPoints(
  members: readonly RfmRaw[],
  frequencyThresholds: CutPoints = DEFAULT_FREQUENCY_THRESHOLDS,
): RfmCutPoints | null {
  const recency = quintileCutPoints(histogramOf(members.map((m) => dayNumber(m.lastPaidDay))));
  const monetary = quintileCutPoints(histogramOf(members.map((m) => m.monetary)));
  if (!recency || !monetary) return null;
  return { recency, frequency: frequencyThresholds, monetary };
}

/** One member's scores and segment against cut points; `sleeping` = recencyDays > sleepingDays. */
export function scoreMember<T extends RfmRaw>(
  member: T,
  cuts: RfmCutPoints,
  sleepingDays: number,
): T & RfmScored {
  const r = scoreAgainst(cuts.recency, dayNumber(member.lastPaidDay));
  const f = scoreAgainst(cuts.frequency, member.frequency);
  const m = scoreAgainst(cuts.monetary, member.monetary);
  const seg = segmentOf(r, f);
  return {
    ...member,
    r,
    f,
    m,
    segment: seg.name,
    segmentCode: seg.code,
    sleeping: member.recencyDays > sleepingDays,
  };
}

/** Scores every member against the cut points of all of them (what a full recomputation does). */
export function scoreRfm(
  members: readonly RfmRaw[],
  sleepingDays: number,
  frequencyThresholds: CutPoints = DEFAULT_FREQUENCY_THRESHOLDS,
): RfmScored[] {
  const cuts = rfmCutPoints(members, frequencyThresholds);
  return cuts ? members.map((member) => scoreMember(member, cuts, sleepingDays)) : [];
}
