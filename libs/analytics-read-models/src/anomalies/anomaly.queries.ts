import type { SqlExecutor } from '@ecom/event-sourcing';
import { addDays, instantAt } from '../calendar';
import type { AnomalyMetric, AnomalyType } from '@ecom/contracts';
import type { AnomalyDirection } from './anomaly.domain';

export interface AnomalyWindowView {
  from: string;
  to: string;
}

/** The figures of the hour that decided: the one that raised the alert, or the one that cleared it. */
export interface AnomalyReadingView {
  expected: number;
  actual: number;
  /** (actual - expected) / expected. */
  deviation: number;
  window: AnomalyWindowView;
}

export interface AnomalyAlertView extends AnomalyReadingView {
  /** `${type}:${metric}:${hour}`: the rule, the metric and the wall-clock hour that raised it. */
  id: string;
  type: AnomalyType;
  metric: AnomalyMetric;
  /** null for the rules over the whole shop. */
  sku: string | null;
  direction: AnomalyDirection;
  state: 'OPEN' | 'CLEARED';
  /** The later hour that was back within the threshold, its figures (all null while open). */
  clearedExpected: number | null;
  clearedActual: number | null;
  clearedDeviation: number | null;
  clearedFrom: string | null;
  clearedTo: string | null;
}

export interface AnomalyListView {
  state: 'open' | 'all';
  /** The days (ANALYTICS_TZ) whose raising hours are listed, included; null for every open alert. */
  from: string | null;
  to: string | null;
  alerts: AnomalyAlertView[];
}

const num = (value: unknown) => Number(value);
const iso = (value: unknown) => (value as Date).toISOString();

/** The anomaly alerts (an_anomaly_alerts, written by the projector's anomaly evaluation), newest first. */
export class AnomalyQueries {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly timeZone: string,
  ) {}

  /** Open alerts, or all; with a range, those raised by an hour starting on its days. */
  async list(options: { state: 'open' | 'all'; from?: string; to?: string }): Promise<AnomalyListView> {
    const range =
      options.from && options.to
        ? [instantAt(options.from, 0, this.timeZone), instantAt(addDays(options.to, 1), 0, this.timeZone)]
        : [null, null];
    const rows: Record<string, unknown>[] = await this.sql.query(
      `SELECT * FROM an_anomaly_alerts
        WHERE ($1 OR open) AND ($2::timestamptz IS NULL OR window_from >= $2) AND ($3::timestamptz IS NULL OR window_from < $3)
        ORDER BY window_from DESC, id`,
      [options.state === 'all', ...range],
    );
    return {
      state: options.state,
      from: options.from ?? null,
      to: options.to ?? null,
      alerts: rows.map((r) => ({
        id: r.id as string,
        type: r.type as AnomalyType,
        metric: r.metric as AnomalyMetric,
        sku: r.sku as string | null,
        direction: r.direction as AnomalyDirection,
        expected: num(r.expected),
        actual: num(r.actual),
        deviation: num(r.deviation),
        window: { from: iso(r.window_from), to: iso(r.window_to) },
        state: r.open ? 'OPEN' : 'CLEARED',
        clearedExpected: r.open ? null : num(r.cleared_expected),
        clearedActual: r.open ? null : num(r.cleared_actual),
        clearedDeviation: r.open ? null : num(r.cleared_deviation),
        clearedFrom: r.open ? null : iso(r.cleared_window_from),
        clearedTo: r.open ? null : iso(r.cleared_window_to),
      })),
    };
  }
}
