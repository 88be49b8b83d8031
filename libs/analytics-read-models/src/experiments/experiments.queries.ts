import type { SqlExecutor } from '@ecom/event-sourcing';
import {
  chooseControl,
  codePointOrder,
  experimentReadout,
  ExperimentReadout,
  VariantCounts,
} from './experiments.domain';

export interface ExperimentView extends ExperimentReadout {
  experiment: string;
  from: string;
  to: string;
  currency: string;
}

export interface ExperimentVariantSummary {
  variant: string;
  visitors: number;
}

export interface ExperimentSummary {
  experiment: string;
  /** Visitors exposed to any variant. */
  visitors: number;
  firstSeenAt: string;
  lastSeenAt: string;
  variants: ExperimentVariantSummary[];
}

export interface ExperimentListView {
  /** The range of first exposures counted; null for all time. */
  from: string | null;
  to: string | null;
  experiments: ExperimentSummary[];
}

/** Why a readout cannot be answered: no such experiment, or a control that is not one of its variants. */
export type ExperimentReadoutOutcome =
  | { found: true; view: ExperimentView }
  | { found: false; reason: 'EXPERIMENT_NOT_FOUND' | 'CONTROL_NOT_A_VARIANT'; variants: string[] };

/**
 * A/B readouts over the experiment facts, derived at read time (so independent of the order events
 * arrived in): visitors by the day of their first exposure, conversions and revenue from the paid
 * orders that carried the same experiment and variant.
 */
export class ExperimentQueries {
  constructor(private readonly sql: SqlExecutor) {}

  /** Every variant of the experiment ever seen, in code-point order. */
  async variants(experiment: string): Promise<string[]> {
    const rows: { variant: string }[] = await this.sql.query(
      `SELECT DISTINCT variant FROM an_experiment_visitors WHERE experiment = $1`,
      [experiment],
    );
    return rows.map((r) => r.variant).sort(codePointOrder);
  }

  /**
   * Per variant: visitors first exposed in [from, to]; those of them with a paid order (paid in
   * [from, to], any currency) that carried the same experiment and variant; and those orders paid in
   * `currency`, with their amounts. Every variant ever seen is listed, with zeros when none fall in.
   */
  async counts(options: {
    experiment: string;
    from: string;
    to: string;
    currency: string;
  }): Promise<VariantCounts[]> {
    const rows: Record<string, unknown>[] = await this.sql.query(
      `WITH paid AS (
         -- Per visitor and variant: the experiment's orders paid in the range (few next to the visitors).
         SELECT o.visitor_id, o.variant,
                count(*) FILTER (WHERE p.currency = $4) AS paid_orders,
                coalesce(sum(p.amount) FILTER (WHERE p.currency = $4), 0) AS revenue
           FROM an_experiment_orders o
           JOIN an_orders_paid p ON p.order_id = o.order_id AND p.day BETWEEN $2::date AND $3::date
          WHERE o.experiment = $1
          GROUP BY o.visitor_id, o.variant
       ), outcomes AS (
         SELECT e.variant, count(*) AS visitors, count(paid.visitor_id) AS converted,
                coalesce(sum(paid.paid_orders), 0) AS paid_orders, coalesce(sum(paid.revenue), 0) AS revenue
           FROM an_experiment_visitors e
           LEFT JOIN paid ON paid.visitor_id = e.visitor_id AND paid.variant = e.variant
          WHERE e.experiment = $1 AND e.day BETWEEN $2::date AND $3::date
          GROUP BY e.variant
       ), seen AS (
         SELECT DISTINCT variant FROM an_experiment_visitors WHERE experiment = $1
       )
       SELECT s.variant, coalesce(x.visitors, 0)::int AS visitors, coalesce(x.converted, 0)::int AS converted,
              coalesce(x.paid_orders, 0)::int AS paid_orders, coalesce(x.revenue, 0)::bigint AS revenue
         FROM seen s LEFT JOIN outcomes x ON x.variant = s.variant`,
      [options.experiment, options.from, options.to, options.currency],
    );
    return rows
      .map((r) => ({
        variant: r.variant as string,
        visitors: Number(r.visitors),
        convertedVisitors: Number(r.converted),
        paidOrders: Number(r.paid_orders),
        revenue: Number(r.revenue),
      }))
      .sort((a, b) => codePointOrder(a.variant, b.variant));
  }

  /** The readout of one experiment over [from, to] against `control` (see chooseControl). */
  async readout(options: {
    experiment: string;
    from: string;
    to: string;
    currency: string;
    control?: string;
  }): Promise<ExperimentReadoutOutcome> {
    const counts = await this.counts(options);
    const variants = counts.map((c) => c.variant);
    if (variants.length === 0) return { found: false, reason: 'EXPERIMENT_NOT_FOUND', variants };
    const control = chooseControl(variants, options.control);
    if (control === undefined) return { found: false, reason: 'CONTROL_NOT_A_VARIANT', variants };
    return {
      found: true,
      view: {
        experiment: options.experiment,
        from: options.from,
        to: options.to,
        currency: options.currency,
        ...experimentReadout(counts, control),
      },
    };
  }

  /** Experiments seen, with their variants and visitors (first exposed in the range, if one is given). */
  async list(range?: { from: string; to: string }): Promise<ExperimentListView> {
    const rows: Record<string, unknown>[] = await this.sql.query(
      `SELECT experiment, variant, count(*)::int AS visitors,
              min(first_seen_at) AS first_seen_at, max(first_seen_at) AS last_seen_at
         FROM an_experiment_visitors
        WHERE $1::date IS NULL OR day BETWEEN $1::date AND $2::date
        GROUP BY experiment, variant`,
      [range?.from ?? null, range?.to ?? null],
    );
    const byExperiment = new Map<string, ExperimentSummary>();
    for (const r of rows) {
      const experiment = r.experiment as string;
      const first = (r.first_seen_at as Date).toISOString();
      const last = (r.last_seen_at as Date).toISOString();
      const summary = byExperiment.get(experiment) ?? {
        experiment,
        visitors: 0,
        firstSeenAt: first,
        lastSeenAt: last,
        variants: [],
      };
      summary.visitors += Number(r.visitors);
      if (first < summary.firstSeenAt) summary.firstSeenAt = first;
      if (last > summary.lastSeenAt) summary.lastSeenAt = last;
      summary.variants.push({ variant: r.variant as string, visitors: Number(r.visitors) });
      byExperiment.set(experiment, summary);
    }
    const experiments = [...byExperiment.values()].sort((a, b) => codePointOrder(a.experiment, b.experiment));
    for (const e of experiments) e.variants.sort((a, b) => codePointOrder(a.variant, b.variant));
    return { from: range?.from ?? null, to: range?.to ?? null, experiments };
  }
}
