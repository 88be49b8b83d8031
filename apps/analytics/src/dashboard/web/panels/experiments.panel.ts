import type { ExperimentListView, ExperimentView } from '@ecom/analytics-read-models';
import { append, h, table } from '../dom';
import { formatCount, formatMoney, formatPercent } from '../format';
import { formatInterval, formatPoints, formatPValue, verdictOf } from '../experiments.model';
import { Panel, PanelContext } from './panel';

/**
 * A/B test readouts over the page's range: the experiments with visitors first exposed in it, and for
 * the one picked, per variant its conversion, average order value, revenue per visitor and revenue,
 * and each variant against the control: the difference in conversion with its 95 % interval, the
 * p-value and whether it is significant or the sample too small to say.
 */
export class ExperimentsPanel extends Panel {
  private list?: ExperimentListView;
  private readout?: ExperimentView | null;
  private key = '';

  constructor(ctx: PanelContext) {
    super(ctx, 'experiments', 'experiments.title');
  }

  protected hasData(): boolean {
    return !!this.list && this.readout !== undefined;
  }

  protected async fetch(): Promise<void> {
    const range = this.ctx.range();
    this.list = await this.ctx.api.experiments(range);
    const keys = this.list.experiments.map((e) => e.experiment);
    // The one picked stays picked while the range still has it; otherwise the first listed.
    if (!keys.includes(this.key)) this.key = keys[0] ?? '';
    this.readout = this.key ? await this.ctx.api.experiment(this.key, range) : null;
  }

  protected override controls(): (Node | string)[] {
    const list = this.list;
    if (!list || list.experiments.length === 0) return [];
    return [
      h('label', { class: 'control', for: 'experiment-key' }, this.ctx.t('experiments.pick')),
      h(
        'select',
        {
          id: 'experiment-key',
          onchange: (event: Event) => {
            this.key = (event.target as HTMLSelectElement).value;
            this.readout = undefined;
            void this.load();
          },
        },
        list.experiments.map((e) =>
          h('option', { value: e.experiment, selected: e.experiment === this.key }, e.experiment),
        ),
      ),
    ];
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const view = this.readout;
    if (!view) {
      this.showEmpty(t('experiments.none'));
      return;
    }
    const money = (minor: number | null) => formatMoney(minor, view.currency, lang);
    const against = new Map(view.comparisons.map((c) => [c.variant, c]));
    append(
      this.body,
      h(
        'p',
        { class: 'muted', 'data-testid': 'experiment-summary' },
        t('experiments.summary', { from: view.from, to: view.to, control: view.control }),
      ),
      table(
        [
          t('experiments.variant'),
          t('experiments.visitors'),
          t('experiments.conversion'),
          t('experiments.aov'),
          t('experiments.rpv'),
          t('experiments.revenue'),
          t('experiments.difference'),
          t('experiments.interval'),
          t('experiments.pValue'),
          t('experiments.verdict'),
        ],
        view.variants.map((v) => {
          const c = against.get(v.variant);
          const verdict = c ? verdictOf(c) : null;
          return [
            v.variant === view.control
              ? h('span', {}, v.variant, ' ', h('span', { class: 'badge' }, t('experiments.control')))
              : v.variant,
            formatCount(v.visitors, lang),
            h(
              'span',
              {
                title: t('experiments.converted', {
                  converted: formatCount(v.convertedVisitors, lang),
                  visitors: formatCount(v.visitors, lang),
                }),
              },
              formatPercent(v.conversion, lang),
            ),
            money(v.averageOrderValue),
            money(v.revenuePerVisitor),
            money(v.revenue),
            c ? formatPoints(c.absoluteDifference, lang) : '—',
            c ? formatInterval(c.confidenceLower, c.confidenceUpper, lang) : '—',
            c ? formatPValue(c.pValue, lang) : '—',
            verdict
              ? h(
                  'span',
                  {
                    class: `badge verdict-${verdict}`,
                    title: c!.sampleTooSmallReasons.join('; ') || undefined,
                  },
                  t(`experiments.verdict.${verdict}`),
                )
              : '—',
          ];
        }),
        {
          className: 'data compact experiment-table',
          rowAttributes: (i) => ({ 'data-variant': view.variants[i].variant }),
        },
      ),
    );
  }
}
