import type { SqlExecutor } from '@ecom/event-sourcing';
import { ratio } from '../funnel/funnel.domain';
import type { AnalyticsSettings } from '../settings';
import { dayOf, daysBetween } from '../calendar';
import { RFM_SEGMENTS, RfmSegmentCode, RfmSegmentName } from './rfm.domain';
import { rawRfm } from './rfm-recompute';

export interface RfmMemberView {
  memberId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  /**
   * Scores and segment against the cut points of the last recomputation, current with the member's
   * facts (rescored as the projector applies them); null before the first recomputation.
   */
  r: number | null;
  f: number | null;
  m: number | null;
  segment: RfmSegmentName | null;
  segmentCode: RfmSegmentCode | null;
  sleeping: boolean;
  /** The member's tier as the members service last announced it; null until analytics learns it. */
  tier: string | null;
  lastPaidAt: string;
  currency: string;
  /**
   * The instant the values are as of: when the row was last computed from the member's facts, or the
   * last recomputation if later (it found them unchanged); now for raw values.
   */
  asOf: string;
}

export interface RfmSegmentCountView {
  segment: RfmSegmentName;
  code: RfmSegmentCode;
  /** The r and f scores of the segment, e.g. "r=5, f=4-5". */
  rule: string;
  members: number;
  /** members / all scored members; null when none is scored. */
  share: number | null;
}

export interface RfmSegmentsView {
  /** The instant of the last recomputation; null before the first one. */
  asOf: string | null;
  members: number;
  sleeping: number;
  segments: RfmSegmentCountView[];
}

/** A page of scored members (RfmQueries.members). */
export interface RfmMemberPage {
  asOf: string | null;
  /** Members matching the filter, over all pages. */
  total: number;
  items: RfmMemberView[];
}

/** The answer of GET /v1/analytics/rfm: a page and the filter and paging it was asked with. */
export interface RfmMemberListView extends RfmMemberPage {
  /** The segment filter, by name; null for all segments. */
  segment: RfmSegmentName | null;
  limit: number;
  offset: number;
}

/** RFM reads over the scored rows (an_rfm_scores, kept current by the projector) and the runs (an_rfm_runs). */
export class RfmQueries {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly settings: Pick<AnalyticsSettings, 'timeZone' | 'currency' | 'rfm'>,
  ) {}

  private async lastRun(): Promise<{ as_of: Date } | undefined> {
    const rows = await this.sql.query(`SELECT as_of FROM an_rfm_runs ORDER BY id DESC LIMIT 1`);
    return rows[0];
  }

  async segments(): Promise<RfmSegmentsView> {
    const run = await this.lastRun();
    const rows: { segment_code: string; members: number; sleeping: number }[] = await this.sql.query(
      `SELECT segment_code, count(*)::int AS members, (count(*) FILTER (WHERE sleeping))::int AS sleeping
         FROM an_rfm_scores GROUP BY segment_code`,
    );
    const total = rows.reduce((sum, r) => sum + r.members, 0);
    const bySegment = new Map(rows.map((r) => [r.segment_code, r.members]));
    return {
      asOf: run ? run.as_of.toISOString() : null,
      members: total,
      sleeping: rows.reduce((sum, r) => sum + r.sleeping, 0),
      segments: RFM_SEGMENTS.map((s) => ({
        segment: s.name,
        code: s.code,
        rule: s.rule,
        members: bySegment.get(s.code) ?? 0,
        share: ratio(bySegment.get(s.code) ?? 0, total),
      })),
    };
  }

  private memberRow(row: Record<string, unknown>, run: { as_of: Date }): RfmMemberView {
    const computed = row.as_of as Date;
    const asOf = computed > run.as_of ? computed : run.as_of;
    return {
      memberId: row.member_id as string,
      recencyDays: daysBetween(row.last_paid_day as string, dayOf(asOf, this.settings.timeZone)),
      frequency: row.frequency as number,
      monetary: Number(row.monetary),
      r: row.r as number,
      f: row.f as number,
      m: row.m as number,
      segment: row.segment as RfmSegmentName,
      segmentCode: row.segment_code as RfmSegmentCode,
      sleeping: row.sleeping as boolean,
      tier: (row.tier as string | null) ?? null,
      lastPaidAt: (row.last_paid_at as Date).toISOString(),
      currency: this.settings.currency,
      asOf: asOf.toISOString(),
    };
  }

  /** Scored members, best monetary first; optionally one segment and/or sleeping only. */
  async members(options: {
    segment?: RfmSegmentCode;
    sleeping?: boolean;
    limit: number;
    offset?: number;
  }): Promise<RfmMemberPage> {
    const run = await this.lastRun();
    if (!run) return { asOf: null, total: 0, items: [] as RfmMemberView[] };
    const where = `($1::text IS NULL OR segment_code = $1) AND ($2::boolean IS NULL OR sleeping = $2)`;
    const params = [options.segment ?? null, options.sleeping ?? null];
    const [{ total }] = await this.sql.query(
      `SELECT count(*)::int AS total FROM an_rfm_scores WHERE ${where}`,
      params,
    );
    const rows = await this.sql.query(
      `SELECT s.*, s.last_paid_day::text AS last_paid_day, m.tier FROM an_rfm_scores s
         LEFT JOIN an_members m USING (member_id)
        WHERE ${where} ORDER BY monetary DESC, member_id LIMIT $3 OFFSET $4`,
      [...params, options.limit, options.offset ?? 0],
    );
    return {
      asOf: run.as_of.toISOString(),
      total: total as number,
      items: rows.map((r: Record<string, unknown>) => this.memberRow(r, run)),
    };
  }

  /**
   * One member's RFM: the scored row, or, before the first recomputation (no cut points to score
   * against), the raw values as of now without scores. Undefined for a member with no paid order.
   */
  async member(memberId: string, now: Date): Promise<RfmMemberView | undefined> {
    const run = await this.lastRun();
    if (run) {
      const rows = await this.sql.query(
        `SELECT s.*, s.last_paid_day::text AS last_paid_day, m.tier FROM an_rfm_scores s
           LEFT JOIN an_members m USING (member_id) WHERE member_id = $1`,
        [memberId],
      );
      if (rows.length) return this.memberRow(rows[0], run);
    }
    const [raw] = await rawRfm(
      this.sql,
      dayOf(now, this.settings.timeZone),
      { windowDays: this.settings.rfm.windowDays, currency: this.settings.currency },
      [memberId],
    );
    if (!raw) return undefined;
    const [known] = await this.sql.query(`SELECT tier FROM an_members WHERE member_id = $1`, [memberId]);
    return {
      memberId,
      recencyDays: raw.recencyDays,
      frequency: raw.frequency,
      monetary: raw.monetary,
      r: null,
      f: null,
      m: null,
      segment: null,
      segmentCode: null,
      sleeping: raw.recencyDays > this.settings.rfm.sleepingDays,
      tier: (known?.tier as string | null | undefined) ?? null,
      lastPaidAt: raw.lastPaidAt.toISOString(),
      currency: this.settings.currency,
      asOf: now.toISOString(),
    };
  }
}
