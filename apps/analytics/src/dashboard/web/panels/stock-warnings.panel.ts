import type { StockWarningView } from '@ecom/analytics-read-models';
import { append, h, table } from '../dom';
import { formatCount, formatDecimal, formatInstant } from '../format';
import { labelOf } from '../i18n';
import {
  changedWarnings,
  countBySeverity,
  SEVERITIES,
  severityOf,
  sortWarnings,
  warningKey,
  WARNING_TYPES,
} from '../stock-warnings.model';
import { LivePanel } from './live-panel';
import { PanelContext } from './panel';

/**
 * The active stock warnings, live (see LivePanel), filtered by type: rows that appeared or whose
 * figures moved since the previous answer are highlighted.
 */
export class StockWarningsPanel extends LivePanel<StockWarningView> {
  private type = '';

  constructor(ctx: PanelContext) {
    super(ctx, 'warnings', 'warnings.title');
  }

  protected ask(): Promise<StockWarningView[]> {
    return this.ctx.api.stockWarnings(this.type || undefined);
  }

  protected override filter(): string {
    return this.type;
  }

  protected order(warnings: StockWarningView[]): StockWarningView[] {
    return sortWarnings(warnings);
  }

  protected changedKeys(previous: StockWarningView[] | undefined, warnings: StockWarningView[]): Set<string> {
    return changedWarnings(previous, warnings);
  }

  protected override controls(): (Node | string)[] {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    return [
      h('label', { class: 'control', for: 'warnings-type' }, t('warnings.type')),
      h(
        'select',
        {
          id: 'warnings-type',
          onchange: (event: Event) => {
            this.type = (event.target as HTMLSelectElement).value;
            this.rows = undefined;
            void this.load();
          },
        },
        h('option', { value: '', selected: this.type === '' }, t('warnings.allTypes')),
        WARNING_TYPES.map((type) =>
          h('option', { value: type, selected: type === this.type }, labelOf(lang, 'warning', type)),
        ),
      ),
    ];
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const warnings = this.rows!;
    const counts = countBySeverity(warnings);
    append(
      this.body,
      this.liveStatus('warnings-updated'),
      h(
        'div',
        { class: 'severity-counts' },
        SEVERITIES.map((severity) =>
          h(
            'span',
            { class: `badge severity-${severity}`, 'data-severity-count': severity },
            `${labelOf(lang, 'severity', severity)} ${counts[severity]}`,
          ),
        ),
      ),
    );
    if (warnings.length === 0) {
      this.showEmpty(t('warnings.none'));
      return;
    }
    this.body.append(
      table(
        [
          t('warnings.severity'),
          t('warnings.type'),
          t('warnings.sku'),
          t('warnings.warehouse'),
          t('warnings.available'),
          t('warnings.safetyStock'),
          t('warnings.daysOfCover'),
          t('warnings.reorder'),
          t('warnings.since'),
        ],
        warnings.map((w) => [
          h(
            'span',
            { class: `badge severity-${severityOf(w.type)}` },
            labelOf(lang, 'severity', severityOf(w.type)),
          ),
          labelOf(lang, 'warning', w.type),
          h('span', { class: 'mono' }, w.sku),
          w.warehouse ?? t('warnings.allWarehouses'),
          formatCount(w.available, lang),
          formatCount(w.safetyStock, lang),
          formatDecimal(w.daysOfCover, lang),
          formatCount(w.suggestedReorderQty, lang),
          formatInstant(w.since, this.ctx.config.timeZone),
        ]),
        {
          className: 'data warnings-table',
          rowAttributes: (i) => {
            const key = warningKey(warnings[i]);
            return {
              'data-sku': warnings[i].sku,
              'data-type': warnings[i].type,
              class: this.changed.has(key) ? 'changed' : undefined,
            };
          },
        },
      ),
    );
  }
}
