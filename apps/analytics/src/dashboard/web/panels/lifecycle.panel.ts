import type { CohortsView, LifecycleView, RepurchaseView } from '@ecom/analytics-read-models';
import { ChartHost, TOOLTIP } from '../charts';
import { append, h, table } from '../dom';
import { formatCount, formatDecimal, formatPercent } from '../format';
import { labelOf } from '../i18n';
import { cohortHeatmap, hasCohortMembers } from '../lifecycle.model';
import { Panel, PanelContext } from './panel';

/**
 * Members per lifecycle stage today (a bar chart), the monthly cohorts' retention (a heatmap: cohort
 * month down, months since the first order across, the share who paid again) and repurchase per
 * category over the API's default year. Not tied to the page's range: stages are as of today, the
 * cohorts the API's last 12 months.
 */
export class LifecyclePanel extends Panel {
  override readonly followsRange = false;
  private lifecycle?: LifecycleView;
  private cohorts?: CohortsView;
  private repurchase?: RepurchaseView;
  private readonly stageChart = new ChartHost(h('div', { class: 'chart', 'data-testid': 'lifecycle-chart' }));
  private readonly heatmap = new ChartHost(
    h('div', { class: 'chart chart-tall', 'data-testid': 'cohort-heatmap' }),
  );

  constructor(ctx: PanelContext) {
    super(ctx, 'lifecycle', 'lifecycle.title');
  }

  protected hasData(): boolean {
    return !!this.lifecycle && !!this.cohorts && !!this.repurchase;
  }

  protected async fetch(): Promise<void> {
    [this.lifecycle, this.cohorts, this.repurchase] = await Promise.all([
      this.ctx.api.lifecycle(),
      this.ctx.api.cohorts(),
      this.ctx.api.repurchase(),
    ]);
  }

  protected draw(): void {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const lifecycle = this.lifecycle!;
    if (lifecycle.members === 0) {
      this.showEmpty(t('lifecycle.empty'));
      return;
    }
    const stage = (code: string) => labelOf(lang, 'stage', code);
    const cohorts = this.cohorts!;
    const repurchase = this.repurchase!;
    append(
      this.body,
      h(
        'p',
        { class: 'muted', 'data-testid': 'lifecycle-summary' },
        t('lifecycle.summary', { members: formatCount(lifecycle.members, lang), asOf: lifecycle.asOfDay }),
      ),
      h(
        'div',
        { class: 'chart-row' },
        h(
          'figure',
          {},
          h('figcaption', {}, t('lifecycle.stages')),
          this.stageChart.element,
          table(
            [t('lifecycle.stage'), t('lifecycle.members'), t('lifecycle.share')],
            lifecycle.stages.map((s) => [
              h('span', { title: s.rule }, stage(s.stage)),
              formatCount(s.members, lang),
              formatPercent(s.share, lang),
            ]),
            {
              className: 'data compact stage-table',
              rowAttributes: (i) => ({ 'data-stage': lifecycle.stages[i].stage }),
            },
          ),
        ),
        h(
          'figure',
          {},
          h('figcaption', {}, t('lifecycle.cohorts', { from: cohorts.from, to: cohorts.to })),
          hasCohortMembers(cohorts.cohorts)
            ? this.heatmap.element
            : h('p', { class: 'empty-state' }, t('lifecycle.noCohorts')),
          h('p', { class: 'muted' }, t('lifecycle.cohortsNote')),
          this.cohortTable(),
        ),
      ),
      h('h3', {}, t('repurchase.title', { from: repurchase.from, to: repurchase.to })),
      repurchase.categories.length === 0
        ? h('p', { class: 'empty-state', 'data-testid': 'repurchase-empty' }, t('repurchase.none'))
        : table(
            [
              t('repurchase.category'),
              t('repurchase.buyers'),
              t('repurchase.repurchasers'),
              t('repurchase.rate'),
              t('repurchase.medianDays'),
            ],
            repurchase.categories.map((c) => [
              h('span', { class: 'mono' }, c.categoryId),
              formatCount(c.buyers, lang),
              formatCount(c.repurchasers, lang),
              formatPercent(c.repurchaseRate, lang),
              formatDecimal(c.medianDaysBetween, lang),
            ]),
            {
              className: 'data compact repurchase-table',
              rowAttributes: (i) => ({ 'data-category': repurchase.categories[i].categoryId }),
            },
          ),
    );

    this.stageChart.draw(
      {
        tooltip: { ...TOOLTIP, trigger: 'axis' },
        grid: { left: 48, right: 16, top: 16, bottom: 28 },
        xAxis: { type: 'category', data: lifecycle.stages.map((s) => stage(s.stage)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', name: t('lifecycle.members'), data: lifecycle.stages.map((s) => s.members) }],
      },
      lang,
    );
    if (!hasCohortMembers(cohorts.cohorts)) return;
    const data = cohortHeatmap(cohorts.cohorts);
    this.heatmap.draw(
      {
        tooltip: {
          ...TOOLTIP,
          trigger: 'item',
          formatter: (params) => {
            const [x, y, share, running] = data.cells[(params as { dataIndex: number }).dataIndex];
            return t(running ? 'lifecycle.cellRunning' : 'lifecycle.cell', {
              cohort: data.months[y],
              k: data.offsets[x],
              share: formatDecimal(share, lang),
            });
          },
        },
        grid: { left: 72, right: 16, top: 8, bottom: 64 },
        xAxis: {
          type: 'category',
          data: data.offsets.map((k) => t('lifecycle.monthsAfter', { k })),
          splitArea: { show: true },
        },
        // The oldest cohort on top, as cohort tables are read.
        yAxis: { type: 'category', data: data.months, inverse: true, splitArea: { show: true } },
        visualMap: {
          min: 0,
          max: 100,
          calculable: false,
          orient: 'horizontal',
          left: 'center',
          bottom: 0,
          itemHeight: 120,
          text: ['100%', '0%'],
          inRange: { color: ['#eef3fc', '#2f6fde'] },
        },
        series: [
          {
            type: 'heatmap',
            name: t('lifecycle.cohortShare'),
            data: data.cells.map(([x, y, share]) => [x, y, share]),
            label: { show: true, formatter: (p) => `${(p.data as number[])[2]}%` },
          },
        ],
      },
      lang,
    );
  }

  /** The heatmap's figures as text too (a canvas is not read out): the cohorts that have members. */
  private cohortTable(): HTMLElement | null {
    const { t } = this.ctx;
    const lang = this.ctx.lang();
    const cohorts = this.cohorts!.cohorts.filter((c) => c.members > 0);
    if (cohorts.length === 0) return null;
    return table(
      [t('lifecycle.cohort'), t('lifecycle.members'), t('lifecycle.retention')],
      cohorts.map((c) => [
        c.month,
        formatCount(c.members, lang),
        c.retention.length === 0
          ? '—'
          : c.retention
              .map(
                (m) =>
                  `${t('lifecycle.monthsAfter', { k: m.k })} ${formatPercent(m.share, lang)}${m.complete ? '' : '*'}`,
              )
              .join(' · '),
      ]),
      {
        className: 'data compact cohort-table',
        rowAttributes: (i) => ({ 'data-cohort': cohorts[i].month }),
      },
    );
  }

  override dispose(): void {
    super.dispose();
    this.stageChart.dispose();
    this.heatmap.dispose();
  }
}
