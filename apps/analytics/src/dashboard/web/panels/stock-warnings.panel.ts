import type { StockWarningView } from '@ecom/analytics-read-models';
import { ApiError } from '../api';
import { append, h, table } from '../dom';
import { formatClock, formatCount, formatDecimal, formatInstant } from '../format';
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
import { Panel, PanelContext } from './panel';

/**
 * The active stock warnings, live: asked again every few seconds (config.stockWarningsRefreshMs);
 * rows that appeared or whose figures moved since the previous answer are highlighted. A failed
 * refresh keeps the last answer on screen and says so.
 */
export class StockWarningsPanel extends Panel {
  override readonly followsRange = false;
  private warnings?: StockWarningView[];
  private changed = new Set<string>();
  private type = '';
  private updatedAt?: Date;
  private refreshProblem?: string;
  private timer?: ReturnType<typeof setInterval>;
  private refreshing = false;

  constructor(ctx: PanelContext) {
    super(ctx, 'warnings', 'warnings.title');
  }

  protected hasData(): boolean {
    return !!this.warnings;
  }

  protected async fetch(): Promise<void> {
    const warnings = await this.ctx.api.stockWarnings(this.type || undefined);
    this.accept(warnings, undefined);
    this.startPolling();
  }

  private accept(warnings: StockWarningView[], previous: StockWarningView[] | undefined): void {
    this.changed = changedWarnings(previous, warnings);
    this.warnings = sortWarnings(warnings);
    this.updatedAt = new Date();
    this.refreshProblem = undefined;
  }

  private startPolling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.ctx.config.stockWarningsRefreshMs);
  }

  private async refresh(): Promise<void> {
    if (this.refreshing || !this.warnings) return;
    this.refreshing = true;
    const type = this.type;
    try {
      const warnings = await this.ctx.api.stockWarnings(type || undefined);
      if (type !== this.type) return;
      this.accept(warnings, this.warnings);
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
            this.warnings = undefined;
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
    const warnings = this.warnings!;
    const counts = countBySeverity(warnings);
    append(
      this.body,
      h(
        'p',
        { class: 'muted live', 'data-testid': 'warnings-updated' },
        t('warnings.live', {
          seconds: Math.round(this.ctx.config.stockWarningsRefreshMs / 1000),
          time: this.updatedAt ? formatClock(this.updatedAt, this.ctx.config.timeZone) : '—',
        }),
      ),
      this.refreshProblem
        ? h('p', { class: 'stale', role: 'status' }, t('warnings.stale', { detail: this.refreshProblem }))
        : null,
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

  override dispose(): void {
    super.dispose();
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
