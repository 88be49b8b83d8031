import {
  AnomalySettings,
  bumpFactsVersion,
  evaluateHours,
  firstFactHour,
  hourKeyOf,
  hourRange,
  hourWindow,
  HourlyAnomalyMetric,
  HourlyChange,
  loadHourFigures,
  OpenHourlyAlert,
} from '@ecom/analytics-read-models';
import type { EventContext } from '@ecom/contracts';
import type { CommandSession, CommandSessions } from '@ecom/event-sourcing';
import { AnomalyAlerts } from './anomaly-alerts';

/** The rule of the hourly alerts in an_anomaly_evaluations and in the alerts' type. */
const HOURLY = 'HOURLY';

export interface AnomalyEvaluation {
  /** The wall-clock hours evaluated by this run (none when no hour completed since the last run). */
  hours: number;
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
    const { timeZone, currency, anomalies } = this.settings;
    // One evaluation at a time (the schedule runs on one replica, but a rebuild or a test may call it too).
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('an_anomaly_evaluations'))`);
    const [state]: { next_hour: string }[] = await tx.query(
      `SELECT next_hour FROM an_anomaly_evaluations WHERE rule = $1`,
      [HOURLY],
    );
    const end = await hourKeyOf(tx, new Date(at.getTime() - anomalies.graceMs), timeZone);
    const start = state?.next_hour ?? (await firstFactHour(tx, timeZone));
    let changes: HourlyChange[] = [];
    let hours = 0;
    if (start !== null && start < end) {
      const figures = await loadHourFigures(
        tx,
        { from: start, to: end },
        { weeks: anomalies.weeks, timeZone, currency },
      );
      const open: OpenHourlyAlert[] = await tx.query(
        `SELECT id, metric, direction FROM an_anomaly_alerts WHERE open AND type = $1`,
        [HOURLY],
      );
      const range = hourRange(start, end);
      hours = range.length;
      changes = evaluateHours(range, figures, open, anomalies);
      await this.record(session, changes);
      // The API's cached answers carry the read models' version: retire them when alerts changed.
      if (changes.length > 0) session.afterCommit('analytics.facts-version', (sql) => bumpFactsVersion(sql));
      await tx.query(
        `INSERT INTO an_anomaly_evaluations (rule, next_hour) VALUES ($1, $2)
         ON CONFLICT (rule) DO UPDATE SET next_hour = excluded.next_hour`,
        [HOURLY, end],
      );
    }
    const published = await this.alerts.reconcile(session, context);
    return {
      hours,
      raised: changes.filter((c) => c.kind === 'RAISE').length,
      cleared: changes.filter((c) => c.kind === 'CLEAR').length,
      published,
    };
  }

  /** The raises as new open rows, the clears as the clearing hour's figures on the raised row. */
  private async record(session: CommandSession, changes: readonly HourlyChange[]): Promise<void> {
    const tx = session.sql;
    for (const c of changes) {
      const window = hourWindow(c.hour, this.settings.timeZone);
      if (c.kind === 'RAISE') {
        await tx.query(
          `INSERT INTO an_anomaly_alerts (id, type, metric, sku, direction, expected, actual, deviation,
             window_from, window_to, open)
           VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8, $9, true)`,
          [
            c.id,
            HOURLY,
            c.metric satisfies HourlyAnomalyMetric,
            c.direction,
            c.expected,
            c.actual,
            c.deviation,
            window.from,
            window.to,
          ],
        );
      } else {
        await tx.query(
          `UPDATE an_anomaly_alerts SET open = false, cleared_expected = $2, cleared_actual = $3,
             cleared_deviation = $4, cleared_window_from = $5, cleared_window_to = $6
           WHERE id = $1`,
          [c.id, c.expected, c.actual, c.deviation, window.from, window.to],
        );
      }
    }
  }
}
