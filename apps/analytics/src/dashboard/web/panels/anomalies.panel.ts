import type { AnomalyAlertView } from '@ecom/analytics-read-models';
import { append, h, table } from '../dom';
import { labelOf } from '../i18n';
import { formatDeviation, formatReading, formatWindow, newAlertIds, sortAlerts } from '../anomalies.model';
import { LivePanel } from './live-panel';
import { PanelContext } from './panel';

/**
 * The open anomaly alerts, live like the stock warnings: type, metric or SKU, expected against
 * actual, deviation and the window that raised it. Alerts raised since the previous answer are
 * highlighted.
 */
export class AnomaliesPanel extends LivePanel<AnomalyAlertView> {
  constructor(ctx: PanelContext) {
    super(ctx, 'anomalies', 'anomalies.title');
  }

  protected async ask(): Promise<AnomalyAlertView[]> {
    return (await this.ctx.api.anomalies()).alerts;
  }

  protected order(alerts: AnomalyAlertView[]): AnomalyAlertView[] {
    return sortAlerts(alerts);
  }

  protected changedKeys(previous: AnomalyAlertView[] | undefined, alerts: AnomalyAlertView[]): Set<string> {
    return newAlertIds(previous, alerts);
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const { currency, timeZone } = this.ctx.config;
    const alerts = this.rows!;
    append(this.body, this.liveStatus('anomalies-updated'));
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
            class: this.changed.has(alerts[i].id) ? 'changed' : undefined,
          }),
        },
      ),
    );
  }
}
