import {
  addDays,
  AnomalySettings,
  BURST_WINDOW_MS,
  burstWindowOf,
  bumpFactsVersion,
  dayOf,
  evaluateBursts,
  evaluateHours,
  evaluateRefundRates,
  firstFactHour,
  firstFailureAt,
  firstPaidDay,
  hourKeyOf,
  hourRange,
  hourWindow,
  HourlyChange,
  instantAt,
  LimitChange,
  loadBurstCounts,
  loadHourFigures,
  loadDailyRefundUnits,
  OpenHourlyAlert,
  OpenLimitAlert,
  REFUND_RATE_DAYS,
} from '@ecom/analytics-read-models';
import type { EventContext } from '@ecom/contracts';
import type { CommandSession, CommandSessions } from '@ecom/event-sourcing';
import { AnomalyAlerts } from './anomaly-alerts';

/** The rules, in an_anomaly_evaluations and as the alerts' type. */
const HOURLY = 'HOURLY';
const REFUND_RATE = 'REFUND_RATE';
const BURST = 'PAYMENT_FAILURE_BURST';

/** A raise or clear of any rule, with its window as instants: what an_anomaly_alerts records. */
interface AlertChange {
  kind: 'RAISE' | 'CLEAR';
  id: string;
  type: string;
  metric: string;
  sku: string | null;
  direction: 'DROP' | 'SPIKE';
  window: { from: string; to: string };
  expected: number;
  actual: number;
  deviation: number;
}

export interface AnomalyEvaluation {
  /** The wall-clock hours evaluated by this run (none when no hour completed since the last run). */
  hours: number;
  /** The days evaluated for refund rates, and the 10-minute windows for payment-failure bursts. */
  days: number;
  windows: number;
  raised: number;
  cleared: number;
  /** AnomalyRaised / AnomalyCleared appended to make analytics.alerts say what the read model says. */
  published: { raised: number; cleared: number };
}

/**
 * The anomaly alerts, orchestrated: evaluates every completed wall-clock hour not evaluated yet, in
 * order (the pure domain decides from the hours' facts), records the raises and clears in
 * an_anomaly_alerts, advances the rule's next hour, and makes analytics.alerts agree with the open
 * alerts (AnomalyAlerts.reconcile), all in one transaction: an alert is published exactly once, and a
 * crash leaves nothing half done. An hour is complete once the clock is `graceMs` past its end; what
 * it decides depends on the facts only, so a rebuild evaluating the same hours decides the same.
 */
export class AnomaliesService {
  private readonly alerts = new AnomalyAlerts();

  constructor(
    private readonly settings: { timeZone: string; currency: string; anomalies: AnomalySettings },
  ) {}

  async evaluate(commands: CommandSessions, at: Date, context: EventContext): Promise<AnomalyEvaluation> {
    return commands.run((session) => this.evaluateIn(session, at, context));
  }

  async evaluateIn(session: CommandSession, at: Date, context: EventContext): Promise<AnomalyEvaluation> {
    const tx = session.sql;
    // One evaluation at a time (the schedule runs on one replica, but a rebuild or a test may call it too).
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('an_anomaly_evaluations'))`);
    const complete = new Date(at.getTime() - this.settings.anomalies.graceMs);
    const hourly = await this.hourly(session, complete);
    const refunds = await this.refundRates(session, complete);
    const bursts = await this.bursts(session, complete);
    const changes = [...hourly.changes, ...refunds.changes, ...bursts.changes];
    await this.record(session, changes);
    // The API's cached answers carry the read models' version: retire them when alerts changed.
    if (changes.length > 0) session.afterCommit('analytics.facts-version', (sql) => bumpFactsVersion(sql));
    const published = await this.alerts.reconcile(session, context);
    return {
      hours: hourly.count,
      days: refunds.count,
      windows: bursts.count,
      raised: changes.filter((c) => c.kind === 'RAISE').length,
      cleared: changes.filter((c) => c.kind === 'CLEAR').length,
      published,
    };
  }

  private async next(session: CommandSession, rule: string): Promise<string | null> {
    const [state]: { next_hour: string }[] = await session.sql.query(
      `SELECT next_hour FROM an_anomaly_evaluations WHERE rule = $1`,
      [rule],
    );
    return state?.next_hour ?? null;
  }

  /** Records where the rule's next evaluation starts (an hour, a day or a window start). */
  private async advance(session: CommandSession, rule: string, next: string): Promise<void> {
    await session.sql.query(
      `INSERT INTO an_anomaly_evaluations (rule, next_hour) VALUES ($1, $2)
       ON CONFLICT (rule) DO UPDATE SET next_hour = excluded.next_hour`,
      [rule, next],
    );
  }

  private async openAlerts(
    session: CommandSession,
    type: string,
  ): Promise<(OpenHourlyAlert & { sku: string | null })[]> {
    return session.sql.query(
      `SELECT id, metric, sku, direction FROM an_anomaly_alerts WHERE open AND type = $1 ORDER BY id`,
      [type],
    );
  }

  /** The wall-clock hours complete at `complete` and not evaluated yet. */
  private async hourly(
    session: CommandSession,
    complete: Date,
  ): Promise<{ count: number; changes: AlertChange[] }> {
    const tx = session.sql;
    const { timeZone, currency, anomalies } = this.settings;
    const end = await hourKeyOf(tx, complete, timeZone);
    const start = (await this.next(session, HOURLY)) ?? (await firstFactHour(tx, timeZone));
    if (start === null || start >= end) return { count: 0, changes: [] };
    const figures = await loadHourFigures(
      tx,
      { from: start, to: end },
      { weeks: anomalies.weeks, timeZone, currency },
    );
    const range = hourRange(start, end);
    const changes = evaluateHours(range, figures, await this.openAlerts(session, HOURLY), anomalies);
    await this.advance(session, HOURLY, end);
    return { count: range.length, changes: changes.map((c) => this.hourlyChange(c)) };
  }

  private hourlyChange(c: HourlyChange): AlertChange {
    const direction = c.kind === 'RAISE' ? c.direction : 'DROP';
    const window = hourWindow(c.hour, this.settings.timeZone);
    return { ...c, type: HOURLY, sku: null, direction, window };
  }

  /**
   * The days complete at `complete` and not evaluated yet: each day's refund rate per SKU over the
   * orders paid in the 30 days ending with it.
   */
  private async refundRates(
    session: CommandSession,
    complete: Date,
  ): Promise<{ count: number; changes: AlertChange[] }> {
    const tx = session.sql;
    const { timeZone, anomalies } = this.settings;
    const end = dayOf(complete, timeZone);
    const start = (await this.next(session, REFUND_RATE)) ?? (await firstPaidDay(tx));
    if (start === null || start >= end) return { count: 0, changes: [] };
    let open: OpenLimitAlert[] = (await this.openAlerts(session, REFUND_RATE)).map(({ id, sku }) => ({
      id,
      sku,
    }));
    const changes: AlertChange[] = [];
    let count = 0;
    const unitsByDay = await loadDailyRefundUnits(tx, start, addDays(end, -1));
    for (let day = start; day < end; day = addDays(day, 1)) {
      const from = addDays(day, -(REFUND_RATE_DAYS - 1));
      const units = unitsByDay.get(day) ?? [];
      const window = {
        from: instantAt(from, 0, timeZone).toISOString(),
        to: instantAt(addDays(day, 1), 0, timeZone).toISOString(),
      };
      for (const c of evaluateRefundRates(day, units, open, anomalies)) {
        changes.push(this.limitChange(c, REFUND_RATE, 'REFUND_RATE', window));
        open = c.kind === 'CLEAR' ? open.filter((o) => o.id !== c.id) : [...open, { id: c.id, sku: c.sku }];
      }
      count++;
    }
    await this.advance(session, REFUND_RATE, end);
    return { count, changes };
  }

  /** The 10-minute windows complete at `complete` and not evaluated yet: PaymentFailed counts. */
  private async bursts(
    session: CommandSession,
    complete: Date,
  ): Promise<{ count: number; changes: AlertChange[] }> {
    const tx = session.sql;
    const end = burstWindowOf(complete);
    const next = await this.next(session, BURST);
    const firstFailure = next === null ? await firstFailureAt(tx) : null;
    const start = next !== null ? new Date(next) : firstFailure && burstWindowOf(firstFailure);
    if (!start || start.getTime() >= end.getTime()) return { count: 0, changes: [] };
    const counts = await loadBurstCounts(tx, start, end);
    const [open] = await this.openAlerts(session, BURST);
    const changes = evaluateBursts(
      start,
      end,
      counts,
      open ?? null,
      this.settings.anomalies.burstFailures,
    ).map((c) => {
      const from = new Date(c.at);
      const window = {
        from: from.toISOString(),
        to: new Date(from.getTime() + BURST_WINDOW_MS).toISOString(),
      };
      return this.limitChange(c, BURST, 'PAYMENT_FAILURES', window);
    });
    await this.advance(session, BURST, end.toISOString());
    return { count: (end.getTime() - start.getTime()) / BURST_WINDOW_MS, changes };
  }

  private limitChange(
    c: LimitChange,
    type: string,
    metric: string,
    window: { from: string; to: string },
  ): AlertChange {
    return { ...c, type, metric, direction: 'SPIKE', window };
  }

  /** The raises as new open rows, the clears as the clearing window's figures on the raised row. */
  private async record(session: CommandSession, changes: readonly AlertChange[]): Promise<void> {
    const tx = session.sql;
    for (const c of changes) {
      if (c.kind === 'RAISE') {
        await tx.query(
          `INSERT INTO an_anomaly_alerts (id, type, metric, sku, direction, expected, actual, deviation,
             window_from, window_to, open)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true)`,
          [
            c.id,
            c.type,
            c.metric,
            c.sku,
            c.direction,
            c.expected,
            c.actual,
            c.deviation,
            c.window.from,
            c.window.to,
          ],
        );
      } else {
        await tx.query(
          `UPDATE an_anomaly_alerts SET open = false, cleared_expected = $2, cleared_actual = $3,
             cleared_deviation = $4, cleared_window_from = $5, cleared_window_to = $6
           WHERE id = $1`,
          [c.id, c.expected, c.actual, c.deviation, c.window.from, c.window.to],
        );
      }
    }
  }
}
