import type { AnomalyAlertView } from '@ecom/analytics-read-models';
import { ApiError } from '../api';
import { append, h, table } from '../dom';
import { formatClock } from '../format';
import { labelOf } from '../i18n';
import { formatDeviation, formatReading, formatWindow, newAlertIds, sortAlerts } from '../anomalies.model';
import { Panel, PanelContext } from './panel';

/**
 * The open anomaly alerts, live like the stock warnings (asked again every
 * config.stockWarningsRefreshMs): type, metric or SKU, expected against actual, deviation and the
 * window that raised it. Alerts raised since the previous answer are highlighted; a failed refresh
 * keeps the last answer on screen and says so.
 */
export class AnomaliesPanel extends Panel {
  override readonly followsRange = false;
  private alerts?: AnomalyAlertView[];
  private raised = new Set<string>();
  private updatedAt?: Date;
  private refreshProblem?: string;
  private timer?: ReturnType<typeof setInterval>;
  private refreshing = false;

  constructor(ctx: PanelContext) {
    super(ctx, 'anomalies', 'anomalies.title');
  }

  protected hasData(): boolean {
    return !!this.alerts;
  }

  protected async fetch(): Promise<void> {
    this.accept((await this.ctx.api.anomalies()).alerts, undefined);
    if (!this.timer)
      this.timer = setInterval(() => void this.refresh(), this.ctx.config.stockWarningsRefreshMs);
  }

  private accept(alerts: AnomalyAlertView[], previous: AnomalyAlertView[] | undefined): void {
    this.raised = newAlertIds(previous, alerts);
    this.alerts = sortAlerts(alerts);
    this.updatedAt = new Date();
    this.refreshProblem = undefined;
  }

  private async refresh(): Promise<void> {
    if (this.refreshing || !this.alerts) return;
    this.refreshing = true;
    try {
      this.accept((await this.ctx.api.anomalies()).alerts, this.alerts);
    } catch (error) {
      if (error instanceof ApiError && (error.problem === 'unauthorised' || error.problem === 'forbidden')) {
        this.fail(error);
        return;
      }
      this.refreshProblem = error instanceof Error ? error.message : String(error);
    } finally {
      this.refreshing = false;
    }
    this.render();
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const { currency, timeZone } = this.ctx.config;
    const alerts = this.alerts!;
    append(
      this.body,
      h(
        'p',
        { class: 'muted live', 'data-testid': 'anomalies-updated' },
        t('warnings.live', {
          seconds: Math.round(this.ctx.config.stockWarningsRefreshMs / 1000),
          time: this.updatedAt ? formatClock(this.updatedAt, timeZone) : '—',
        }),
      ),
      this.refreshProblem
        ? h('p', { class: 'stale', role: 'status' }, t('warnings.stale', { detail: this.refreshProblem }))
        : null,
    );
    if (alerts.length === 0) {
      this.showEmpty(t('anomalies.none'));
      return;
    }
    this.body.append(
      table(
        [
          t('anomalies.type'),
          t('anomalies.subject'),
          t('anomalies.expected'),
          t('anomalies.actual'),
          t('anomalies.deviation'),
          t('anomalies.window'),
        ],
        alerts.map((a) => [
          h(
            'span',
            { class: `badge direction-${a.direction.toLowerCase()}` },
            labelOf(lang, 'anomalyType', a.type),
          ),
          a.sku
            ? h(
                'span',
                {},
                `${labelOf(lang, 'anomalyMetric', a.metric)} · `,
                h('span', { class: 'mono' }, a.sku),
              )
            : labelOf(lang, 'anomalyMetric', a.metric),
          formatReading(a.metric, a.expected, currency, lang),
          formatReading(a.metric, a.actual, currency, lang),
          t('anomalies.deviationValue', {
            deviation: formatDeviation(a.deviation, lang),
            direction: labelOf(lang, 'direction', a.direction),
          }),
          formatWindow(a.window, timeZone),
        ]),
        {
          className: 'data anomalies-table',
          rowAttributes: (i) => ({
            'data-alert': alerts[i].id,
            'data-metric': alerts[i].metric,
            class: this.raised.has(alerts[i].id) ? 'changed' : undefined,
          }),
        },
      ),
    );
  }

  override dispose(): void {
    super.dispose();
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
